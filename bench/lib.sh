# Common part of the bench/ scripts, sourced (not run): a fresh work directory, the demo PKI, the
# demo TSA in its own process, mailseal with its relay.conf, a private Postfix plain relay, the
# load generator, test messages. Everything started here is stopped by PID at exit; loopback only;
# every wait is bounded. The caller sets `set -euo pipefail` and may set before sourcing:
#   WORK (fresh work directory, wiped), HEAP (mailseal's -Xms/-Xmx), EVIDENCE (true/false),
#   MAILSEAL_JAVA_OPTS (extra JVM options for mailseal, e.g. -XX:TieredStopAtLevel=1).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
JAR=target/mailseal.jar
SHARED=${SHARED:-../shared/bench}
HEAP=${HEAP:-512m} EVIDENCE=${EVIDENCE:-false}
[ -f "$JAR" ] || mvn -B -q -DskipTests package
[ -n "${WORK:-}" ] || { echo "WORK not set" >&2; exit 2; }
PIDS=()
POSTFIX_STARTED=false
bench_cleanup() {
  local p
  for p in "${PIDS[@]}"; do stop_pid "$p"; done
  true
  if $POSTFIX_STARTED; then postfix -c "$WORK/postfix/etc" stop >/dev/null 2>&1 || true; fi
}
trap bench_cleanup EXIT
rm -rf "$WORK" && mkdir -p "$WORK"

stop_pid() { # pid: SIGTERM, up to 10 s, then SIGKILL (for a process started here)
  local keep=() p
  for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  PIDS=("${keep[@]}")
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.25; done
  kill -9 "$1" 2>/dev/null || true
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SINK=$(free_port) TSA=$(free_port) MS=$(free_port) ADMIN=$(free_port) PF=$(free_port)

wait_port() { # port [what]: up to 60 s for something to listen on 127.0.0.1:port
  for _ in $(seq 1 120); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.5; done
  echo "nothing listens on 127.0.0.1:$1 (${2:-}) after 60 s; logs in $WORK" >&2; exit 1
}

start_tsa() { # [delay, e.g. 100ms]: the demo PKI (once) and the demo TSA in its own process
  [ -d "$WORK/demo" ] || java -jar "$JAR" demo --keep "$WORK/demo" >"$WORK/demo.log" 2>&1
  java -jar "$JAR" demo tsa --port "$TSA" --ca-out "$WORK/tsa-ca.pem" --delay "${1:-0ms}" >"$WORK/tsa.log" 2>&1 &
  PIDS+=($!); TSA_PID=$!
  wait_port "$TSA" tsa
  for _ in $(seq 1 60); do [ -s "$WORK/tsa-ca.pem" ] && return 0; sleep 0.5; done
  echo "the TSA wrote no CA certificate; see $WORK/tsa.log" >&2; exit 1
}

write_conf() { # relay.conf: policies by X-Mail-Class (pass is the default)
  cat > "$WORK/relay.conf" <<CONF
mailseal {
  smtp { listen = "127.0.0.1:$MS", hostname = "mailseal.bench.invalid", allowed-clients = ["127.0.0.0/8"],
         max-recipients = 10 }
  admin.listen = "127.0.0.1:$ADMIN"
  spool.directory = "$WORK/spool"
  evidence { enabled = $EVIDENCE, directory = "$WORK/evidence" }
  identities = [ { domain = "bank.example", keystore = "$WORK/demo/keys/bank.p12",
                   password-file = "$WORK/demo/keys/bank.pass" } ]
  certificates { trust-anchors = "$WORK/demo/certs/trust",
                 sources = [ { type = directory, path = "$WORK/demo/certs/recipients" } ] }
  timestamp { urls = ["http://127.0.0.1:$TSA/tsr"], trust-anchors = "$WORK/tsa-ca.pem", timeout = 3s }
  delivery { smarthost = "127.0.0.1:$SINK", tls = none, connections = 4 }
  policies = [
    { name = sign, match { headers { "X-Mail-Class" = "sign" } }, action = sign, timestamp = off }
    { name = encrypt, match { headers { "X-Mail-Class" = "encrypt" } }, action = encrypt, timestamp = off,
      on-missing-certificate = reject }
    { name = otp, match { headers { "X-Mail-Class" = "otp" } }, action = encrypt, timestamp = required,
      on-missing-certificate = reject, max-age = 10m }
    { name = statement, match { headers { "X-Mail-Class" = "statement" } }, action = encrypt,
      timestamp = required, on-missing-certificate = reject }
    { name = pass, action = pass }
  ]
}
CONF
}

start_mailseal() { # [extra JVM options]: after start_tsa; HEAP and MAILSEAL_JAVA_OPTS apply
  write_conf
  # shellcheck disable=SC2086 # word splitting of the JVM options is meant
  java -Xms"$HEAP" -Xmx"$HEAP" ${MAILSEAL_JAVA_OPTS:-} "$@" -jar "$JAR" run -c "$WORK/relay.conf" \
    >"$WORK/mailseal.log" 2>&1 &
  PIDS+=($!); MS_PID=$!
  wait_port "$MS" mailseal
}

start_postfix() { # a private Postfix plain relay on PF whose relayhost is the sink (root needed)
  [ "$(id -u)" = 0 ] || { echo "Postfix needs root" >&2; exit 2; }
  bash "$SHARED/setup.sh" --dir "$WORK/postfix" --relay-port "$PF" --sink-port "$SINK" >"$WORK/postfix-setup.log" 2>&1
  postconf -c "$WORK/postfix/etc" -e message_size_limit=67108864 >/dev/null # the 10 MB statement fits
  POSTFIX_STARTED=true
  postfix -c "$WORK/postfix/etc" start >/dev/null 2>&1
  wait_port "$PF" postfix
}

text_msg() { # class [bytes]: a text message (default 2 KB, like an OTP or a notice) -> its file
  local f="$WORK/$1.eml"
  printf 'From: Example Bank <otp@bank.example>\nTo: alice@customer.example\nSubject: Your code\nX-Mail-Class: %s\n\n%s\n' \
    "$1" "$(head -c "${2:-1500}" /dev/zero | tr '\0' 'x' | fold -w 70)" > "$f"
  echo "$f"
}

statement_msg() { # class bytes [name]: multipart/mixed, a short text and a PDF-like attachment
  # (random bytes behind a %PDF-1.4 header, base64) so that the whole message is about `bytes`
  local f="$WORK/${3:-$1}.eml" pdf=$(( $2 * 3 * 76 / (4 * 77) - 600 ))
  {
    printf 'From: Example Bank <statements@bank.example>\nTo: alice@customer.example\n'
    printf 'Subject: Your statement\nX-Mail-Class: %s\nMIME-Version: 1.0\n' "$1"
    printf 'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain; charset=us-ascii\n\n'
    printf 'Dear customer, your monthly statement is attached.\n\n--b1\n'
    printf 'Content-Type: application/pdf; name="statement.pdf"\nContent-Transfer-Encoding: base64\n'
    printf 'Content-Disposition: attachment; filename="statement.pdf"\n\n'
    { printf '%%PDF-1.4\n'; head -c "$pdf" /dev/urandom; printf '\n%%%%EOF\n'; } | base64 -w 76
    printf '\n--b1--\n'
  } > "$f"
  echo "$f"
}

restart() { # [tsa delay]: stop mailseal and the TSA, start both again (the TSA with a new CA)
  stop_pid "$MS_PID"; stop_pid "$TSA_PID"
  rm -f "$WORK/tsa-ca.pem"
  start_tsa "${1:-0ms}"
  start_mailseal
}

ticks() { awk '{print $14+$15}' "/proc/$1/stat"; } # user+system CPU of a process, in 1/100 s

load() { # label relay-port message-file count sessions [SmtpLoad options]: one SmtpLoad line(s) on stdout
  local label=$1 port=$2 file=$3 n=$4 c=$5; shift 5
  java -cp "$JAR" bench/SmtpLoad.java --relay "127.0.0.1:$port" --sink-port "$SINK" -n "$n" -c "$c" \
    --message-file "$file" --from otp@bank.example --to alice@customer.example --label "$label" "$@" \
    2>>"$WORK/load.log"
}

rate_of() { # msg/s of a SmtpLoad line (nan when it has none)
  local v; v=$(sed -nE 's/.* ([0-9.]+) msg\/s.*/\1/p' <<<"$1"); echo "${v:-nan}"
}
field() { # SmtpLoad line, "accept" or "end-to-end", 1|2|3 (p50|p99|max): milliseconds (nan when none)
  local v; v=$(sed -nE "s/.*$2 p50\/p99\/max ([0-9.]+)\/([0-9.]+)\/([0-9.]+) ms.*/\\$3/p" <<<"$1"); echo "${v:-nan}"
}

#!/usr/bin/env bash
# mailseal against a stock Postfix plain relay, in one run on loopback (see bench/README.md).
# Each phase: bench/SmtpLoad.java sends N messages over C sessions and receives them at its own
# sink, which is the next hop of Postfix and of mailseal alike. mailseal runs once with four
# policies chosen by X-Mail-Class: pass, sign, encrypt, encrypt + timestamp (the TSA in its own
# process). Then the OTP accept latency at half the measured encrypt+timestamp rate.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-3000} C=${C:-8} EVIDENCE=${EVIDENCE:-false} ROUNDS=${ROUNDS:-3} HEAP=${HEAP:-512m} WARMUP=${WARMUP:-10000}   # MAILSEAL_JAVA_OPTS: e.g. a JFR recording
WORK=${WORK:-/tmp/mailseal-bench}
JAR=target/mailseal.jar
SHARED=${SHARED:-../shared/bench}
[ -f "$JAR" ] || mvn -B -q -DskipTests package
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -d "$WORK/postfix/etc" ] && postfix -c "$WORK/postfix/etc" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
rm -rf "$WORK" && mkdir -p "$WORK"
SINK=$(free_port) TSA=$(free_port) MS=$(free_port) ADMIN=$(free_port) PF=$(free_port)

echo "== demo PKI, TSA (own process), mailseal (-Xmx$HEAP), Postfix" >&2
java -jar "$JAR" demo --keep "$WORK/demo" >/dev/null 2>&1
java -jar "$JAR" demo tsa --port "$TSA" --ca-out "$WORK/tsa-ca.pem" >"$WORK/tsa.log" 2>&1 & PIDS+=($!); TSA_PID=$!
cat > "$WORK/relay.conf" <<CONF
mailseal {
  smtp { listen = "127.0.0.1:$MS", hostname = "mailseal.bench.invalid", allowed-clients = ["127.0.0.0/8"],
         max-recipients = 10 }
  admin.listen = "127.0.0.1:$ADMIN"
  spool.directory = "$WORK/spool"
  evidence { enabled = ${EVIDENCE:-false}, directory = "$WORK/evidence" }
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
    { name = pass, action = pass }
  ]
}
CONF
for i in $(seq 1 120); do [ -s "$WORK/tsa-ca.pem" ] && break; sleep 0.5; done
java -Xms$HEAP -Xmx$HEAP ${MAILSEAL_JAVA_OPTS:-} -jar "$JAR" run -c "$WORK/relay.conf" >"$WORK/mailseal.log" 2>&1 & PIDS+=($!); MS_PID=$!
bash "$SHARED/setup.sh" --dir "$WORK/postfix" --relay-port "$PF" --sink-port "$SINK" >"$WORK/postfix-setup.log" 2>&1
postfix -c "$WORK/postfix/etc" start >/dev/null 2>&1
for port in $MS $PF $TSA; do
  for i in $(seq 1 120); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.5; done
done

msg() { # X-Mail-Class value -> message file (2 KB text, like an e-statement notice)
  printf 'From: Example Bank <otp@bank.example>\nTo: alice@customer.example\nSubject: Your code\nX-Mail-Class: %s\n\n%s\n' \
    "$1" "$(head -c 1500 /dev/zero | tr '\0' 'x' | fold -w 70)" > "$WORK/$1.eml"
  echo "$WORK/$1.eml"
}
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }   # user+system CPU of a process, in 1/100 s
load() { # label relay-port class [extra args]; mailseal phases also print the CPU per message of mailseal and the TSA
  local label=$1 port=$2 class=$3; shift 3
  local ms0 tsa0 out; ms0=$(ticks "$MS_PID") tsa0=$(ticks "$TSA_PID")
  out=$(java -cp "$JAR" bench/SmtpLoad.java --relay "127.0.0.1:$port" --sink-port "$SINK" -n "$N" -c "$C" \
    --message-file "$(msg "$class")" --from otp@bank.example --to alice@customer.example --label "$label" "$@" \
    2>>"$WORK/load.log")
  [ "$port" = "$MS" ] && out="$out  cpu/msg mailseal $(( ($(ticks "$MS_PID") - ms0) * 10000 / N ))us tsa $(( ($(ticks "$TSA_PID") - tsa0) * 10000 / N ))us"
  echo "$out"
}
echo "== warm-up" >&2
N=$WARMUP load warmup-postfix "$PF" pass >/dev/null
for c in pass sign encrypt otp; do N=$WARMUP load "warmup-$c" "$MS" "$c" >/dev/null; done
echo "== $ROUNDS rounds of N=$N, C=$C" >&2
for r in $(seq 1 "$ROUNDS"); do
  load "postfix (plain relay)" "$PF" pass
  load "mailseal pass" "$MS" pass
  load "mailseal sign" "$MS" sign
  load "mailseal encrypt" "$MS" encrypt
  load "mailseal encrypt+timestamp" "$MS" otp
done | tee "$WORK/results.txt"
RATE=$(grep 'encrypt+timestamp' "$WORK/results.txt" | sed -E 's/.* ([0-9.]+) msg\/s.*/\1/' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
HALF=$(python3 -c "print(round($RATE/2, 1))")
echo "== OTP accept latency at half the measured encrypt+timestamp rate ($HALF/s)" >&2
N=$(python3 -c "print(max(500, int($HALF*20)))") load "mailseal otp @half-rate" "$MS" otp --rate "$HALF" | tee -a "$WORK/results.txt"
python3 - "$WORK/results.txt" <<'PY'
import re, sys, statistics
rows = {}
for line in open(sys.argv[1]):
    m = re.match(r'(.+?)\s+n=\d+ .* ([0-9.]+) msg/s', line)
    if m and '@half' not in m.group(1):
        rows.setdefault(m.group(1).strip(), []).append(float(m.group(2)))
base = statistics.median(rows["postfix (plain relay)"])
print("\n%-30s %10s %8s" % ("system (median of rounds)", "msg/s", "ratio"))
for k, v in rows.items():
    print("%-30s %10.1f %7.2fx" % (k, statistics.median(v), statistics.median(v) / base))
PY
echo "heap: -Xmx$HEAP; logs in $WORK" >&2

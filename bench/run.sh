#!/usr/bin/env bash
# mailseal against a stock Postfix plain relay, in one run on loopback (see bench/README.md).
# Each phase: bench/SmtpLoad.java sends N messages over C sessions and receives them at its own
# sink, which is the next hop of Postfix and of mailseal alike. mailseal runs once with four
# policies chosen by X-Mail-Class: pass, sign, encrypt, encrypt + timestamp (the TSA in its own
# process). Then the OTP accept latency at half the measured encrypt+timestamp rate.
set -euo pipefail
N=${N:-3000} C=${C:-8} ROUNDS=${ROUNDS:-3} WARMUP=${WARMUP:-10000}   # MAILSEAL_JAVA_OPTS: e.g. a JFR recording
WORK=${WORK:-/tmp/mailseal-bench}
source "$(dirname "$0")/lib.sh"

echo "== demo PKI, TSA (own process), mailseal (-Xmx$HEAP), Postfix" >&2
start_tsa
start_mailseal
start_postfix

msgload() { # label relay-port class [extra args]; mailseal phases also print the CPU per message of mailseal and the TSA
  local label=$1 port=$2 class=$3; shift 3
  local ms0 tsa0 out; ms0=$(ticks "$MS_PID") tsa0=$(ticks "$TSA_PID")
  out=$(load "$label" "$port" "$(text_msg "$class")" "$N" "$C" "$@")
  [ "$port" = "$MS" ] && out="$out  cpu/msg mailseal $(( ($(ticks "$MS_PID") - ms0) * 10000 / N ))us tsa $(( ($(ticks "$TSA_PID") - tsa0) * 10000 / N ))us"
  echo "$out"
}
echo "== warm-up" >&2
N=$WARMUP msgload warmup-postfix "$PF" pass >/dev/null
for c in pass sign encrypt otp; do N=$WARMUP msgload "warmup-$c" "$MS" "$c" >/dev/null; done
echo "== $ROUNDS rounds of N=$N, C=$C" >&2
for r in $(seq 1 "$ROUNDS"); do
  msgload "postfix (plain relay)" "$PF" pass
  msgload "mailseal pass" "$MS" pass
  msgload "mailseal sign" "$MS" sign
  msgload "mailseal encrypt" "$MS" encrypt
  msgload "mailseal encrypt+timestamp" "$MS" otp
done | tee "$WORK/results.txt"
RATE=$(grep 'encrypt+timestamp' "$WORK/results.txt" | sed -E 's/.* ([0-9.]+) msg\/s.*/\1/' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
HALF=$(python3 -c "print(round($RATE/2, 1))")
echo "== OTP accept latency at half the measured encrypt+timestamp rate ($HALF/s)" >&2
N=$(python3 -c "print(max(500, int($HALF*20)))") msgload "mailseal otp @half-rate" "$MS" otp --rate "$HALF" | tee -a "$WORK/results.txt"
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

#!/usr/bin/env bash
# encrypt + timestamp with the TSA a delay away (issue 25): S sessions of one message per
# connection against the latency bound S / (delay + the per-message time without the delay).
#   bench/tsa-delay.sh [-n N] [-s SESSIONS] [--delay 100ms] [--warmup W]
# Defaults: -n 2000 -s 40 --delay 100ms --warmup 3000. No root needed. See bench/README.md.
set -euo pipefail
N=2000 S=40 DELAY=100ms WARMUP=3000
while [ $# -gt 0 ]; do
  case $1 in
    -n) N=$2 ;; -s) S=$2 ;; --delay) DELAY=$2 ;; --warmup) WARMUP=$2 ;;
    *) echo "usage: $0 [-n N] [-s SESSIONS] [--delay 100ms] [--warmup W]" >&2; exit 2 ;;
  esac
  shift 2
done
[[ $DELAY =~ ^([0-9]+)(ms|s)$ ]] || { echo "--delay: '$DELAY' is not like 100ms or 1s" >&2; exit 2; }
DELAY_S=$(python3 -c "print(${BASH_REMATCH[1]} / (1000 if '${BASH_REMATCH[2]}' == 'ms' else 1))")
WORK=${WORK:-/tmp/mailseal-bench-tsa-delay}
source "$(dirname "$0")/lib.sh"
OTP=$(text_msg otp)
R="$WORK/results.txt"

echo "== no delay: warm-up $WARMUP, per-message time on 1 session, rate on $S sessions" >&2
start_tsa
start_mailseal
load warmup "$MS" "$OTP" "$WARMUP" "$S" --per-connection >/dev/null
ONE=$(load "no-delay 1 session" "$MS" "$OTP" "$(( N < 200 ? N : 200 ))" 1 --per-connection | tee -a "$R")
FULL=$(load "no-delay $S sessions" "$MS" "$OTP" "$N" "$S" --per-connection | tee -a "$R")
T0=$(field "$ONE" accept 1)

echo "== TSA $DELAY away: warm-up $WARMUP, $N messages on $S sessions" >&2
restart "$DELAY"
load warmup "$MS" "$OTP" "$WARMUP" "$S" --per-connection >/dev/null
DELAYED=$(load "delay $DELAY $S sessions" "$MS" "$OTP" "$N" "$S" --per-connection | tee -a "$R")

python3 - "$S" "$DELAY_S" "$T0" "$(rate_of "$FULL")" "$(rate_of "$DELAYED")" <<'PY' | tee -a "$R"
import sys
s, delay, t0_ms, full, delayed = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
bound = s / (delay + t0_ms / 1000)
print("\n%-44s %10s" % ("encrypt+timestamp, one message per connection", "msg/s"))
print("%-44s %10.1f" % ("no delay, %d sessions (CPU-bound ceiling)" % s, full))
print("%-44s %10.1f" % ("latency bound %d / (%.3f s + %.1f ms)" % (s, delay, t0_ms), bound))
print("%-44s %10.1f" % ("TSA %.0f ms away, %d sessions" % (delay * 1000, s), delayed))
print("achieved/bound %.0f %% (target >= 90 %%)%s" % (100 * delayed / bound,
      "" if bound < full else "; the bound is above the CPU ceiling, so the CPU limits first"))
PY
echo "raw lines in $R, logs in $WORK" >&2

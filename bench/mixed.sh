#!/usr/bin/env bash
# Mixed load (issue 25): 200 KB statements with a PDF (encrypt + timestamp) at full rate on C
# sessions, and 2 KB OTPs (policy otp: encrypt + timestamp, max-age 10m) open loop at 10 % of the
# statements' rate (measured in a first short phase) on sessions of their own, one message per
# connection; OTP accept p99 and end-to-end p99 against the targets 50 ms and 1 s.
#   bench/mixed.sh [-n STATEMENTS] [-c C] [--warmup W] [--fraction 0.1] [--kept-open]
# Defaults: -n 2000 -c 8 --warmup 1000 --fraction 0.1. No root needed. See bench/README.md.
set -euo pipefail
N=2000 C=8 WARMUP=1000 FRACTION=0.1 SHAPE=--per-connection
while [ $# -gt 0 ]; do
  case $1 in
    -n) N=$2 ;; -c) C=$2 ;; --warmup) WARMUP=$2 ;; --fraction) FRACTION=$2 ;;
    --kept-open) SHAPE=; shift; continue ;;
    *) echo "usage: $0 [-n STATEMENTS] [-c C] [--warmup W] [--fraction 0.1] [--kept-open]" >&2; exit 2 ;;
  esac
  shift 2
done
WORK=${WORK:-/tmp/mailseal-bench-mixed}
source "$(dirname "$0")/lib.sh"
STATEMENT=$(statement_msg statement 204800)
OTP=$(text_msg otp)
R="$WORK/results.txt"

start_tsa
start_mailseal
echo "== warm-up: $WARMUP statements, $(( WARMUP / 10 )) OTPs; statement rate from $(( N / 5 )) statements" >&2
load warmup "$MS" "$STATEMENT" "$WARMUP" "$C" $SHAPE >/dev/null
load warmup "$MS" "$OTP" "$(( WARMUP / 10 ))" 4 $SHAPE >/dev/null
ALONE=$(load "statements alone" "$MS" "$STATEMENT" "$(( N / 5 ))" "$C" $SHAPE | tee -a "$R")
RATE=$(rate_of "$ALONE")
echo "== $N statements at full rate, OTPs at $FRACTION x $RATE/s" >&2
MIXED=$(load mixed "$MS" "$STATEMENT" "$N" "$C" $SHAPE --mix "$OTP:$FRACTION" --base-rate "$RATE" | tee -a "$R")
OTPLINE=$(grep '^mixed:otp' <<<"$MIXED")
STMLINE=$(grep -v '^mixed:otp' <<<"$MIXED")
python3 - "$RATE" "$(rate_of "$STMLINE")" "$(field "$OTPLINE" accept 2)" "$(field "$OTPLINE" end-to-end 2)" \
  "$(field "$STMLINE" accept 2)" "$(field "$STMLINE" end-to-end 2)" <<'PY' | tee -a "$R"
import sys
alone, mixed, otp_acc, otp_e2e, st_acc, st_e2e = (float(a) for a in sys.argv[1:])
ok = lambda v, t: "met" if v < t else "MISSED"
print("\n%-40s %12s %10s" % ("mixed load", "figure", "target"))
print("%-40s %8.1f/s" % ("statements alone (first phase)", alone))
print("%-40s %8.1f/s" % ("statements with OTPs", mixed))
print("%-40s %9.1f ms %10s  %s" % ("statement accept p99", st_acc, "", ""))
print("%-40s %9.1f ms %10s  %s" % ("statement end-to-end p99", st_e2e, "", ""))
print("%-40s %9.1f ms %10s  %s" % ("OTP accept p99", otp_acc, "< 50 ms", ok(otp_acc, 50)))
print("%-40s %9.1f ms %10s  %s" % ("OTP end-to-end p99", otp_e2e, "< 1000 ms", ok(otp_e2e, 1000)))
PY
echo "raw lines in $R, logs in $WORK" >&2

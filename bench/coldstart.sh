#!/usr/bin/env bash
# Cold start (issue 25): mailseal started fresh, the first FIRST sealed messages (encrypt +
# timestamp, one per connection, C sessions) timed, then a warm-up of W, then N measured warm;
# cold/warm throughput. MAILSEAL_JAVA_OPTS goes to mailseal's JVM, to compare e.g. the default
# with -XX:TieredStopAtLevel=1 or an AppCDS archive (-XX:SharedArchiveFile=...).
#   MAILSEAL_JAVA_OPTS='...' bench/coldstart.sh [--first 100] [-c 8] [--warmup 10000] [-n 1000] [--tsa-warmup 2000]
# The TSA (its own process) is warmed first with bench/TsaClientLoad.java, so that only mailseal
# is cold. No root needed. See bench/README.md.
set -euo pipefail
FIRST=100 C=8 WARMUP=10000 N=1000 TSA_WARMUP=2000
while [ $# -gt 0 ]; do
  case $1 in
    --first) FIRST=$2 ;; -c) C=$2 ;; --warmup) WARMUP=$2 ;; -n) N=$2 ;; --tsa-warmup) TSA_WARMUP=$2 ;;
    *) echo "usage: $0 [--first 100] [-c 8] [--warmup 10000] [-n 1000] [--tsa-warmup 2000]" >&2; exit 2 ;;
  esac
  shift 2
done
WORK=${WORK:-/tmp/mailseal-bench-coldstart}
source "$(dirname "$0")/lib.sh"
OTP=$(text_msg otp)
R="$WORK/results.txt"

start_tsa
if [ "$TSA_WARMUP" -gt 0 ]; then
  echo "== TSA warm-up: $TSA_WARMUP stamps" >&2
  java -cp "$JAR" bench/TsaClientLoad.java "http://127.0.0.1:$TSA/tsr" "$WORK/tsa-ca.pem" "$TSA_WARMUP" 100 4 \
    >"$WORK/tsa-warmup.log" 2>&1
fi
echo "== mailseal fresh (JVM: -Xmx$HEAP ${MAILSEAL_JAVA_OPTS:-}); first $FIRST, warm-up $WARMUP, $N warm" >&2
T0=$(date +%s%N)
start_mailseal
LISTEN_MS=$(( ($(date +%s%N) - T0) / 1000000 ))
COLD=$(load "cold: first $FIRST" "$MS" "$OTP" "$FIRST" "$C" --per-connection | tee -a "$R")
load warmup "$MS" "$OTP" "$WARMUP" "$C" --per-connection >/dev/null
WARM=$(load "warm: $N after $WARMUP" "$MS" "$OTP" "$N" "$C" --per-connection | tee -a "$R")

python3 - "$LISTEN_MS" "$(rate_of "$COLD")" "$(rate_of "$WARM")" "$FIRST" "$N" "${MAILSEAL_JAVA_OPTS:-}" <<'PY' | tee -a "$R"
import sys
listen, cold, warm, first, n, opts = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
print("\ncold start, encrypt+timestamp, one message per connection  (JVM options: %s)" % (opts or "default"))
print("%-36s %8.1f s" % ("start to listening (0.5 s steps)", listen / 1000))
print("%-36s %8.1f msg/s" % ("first %s messages" % first, cold))
print("%-36s %8.1f msg/s" % ("warm, %s messages" % n, warm))
print("cold/warm %.0f %% (target >= 50 %%)" % (100 * cold / warm))
PY
echo "raw lines in $R, logs in $WORK" >&2

#!/usr/bin/env bash
# Large mail (issue 25): one 10 MiB statement (a PDF, encrypt + timestamp), sent COUNT times one
# after the other, through a stock Postfix plain relay and through mailseal (-Xmx512m, GC log);
# MiB/s of each, the ratio, and the most heap mailseal still used after a GC.
#   sudo bench/large.sh [-n COUNT] [--size BYTES] [--warmup W] [--no-postfix]
# Defaults: -n 5 --size 10485760 --warmup 2. Root is needed for Postfix. See bench/README.md.
set -euo pipefail
N=5 SIZE=10485760 WARMUP=2 POSTFIX=true
while [ $# -gt 0 ]; do
  case $1 in
    -n) N=$2 ;; --size) SIZE=$2 ;; --warmup) WARMUP=$2 ;;
    --no-postfix) POSTFIX=false; shift; continue ;;
    *) echo "usage: $0 [-n COUNT] [--size BYTES] [--warmup W] [--no-postfix]" >&2; exit 2 ;;
  esac
  shift 2
done
WORK=${WORK:-/tmp/mailseal-bench-large}
source "$(dirname "$0")/lib.sh"
BIG=$(statement_msg statement "$SIZE" large)
BYTES=$(stat -c %s "$BIG")
R="$WORK/results.txt"

echo "== $N x $BYTES bytes, one at a time; mailseal -Xmx$HEAP with a GC log" >&2
start_tsa
start_mailseal "-Xlog:gc:file=$WORK/gc.log"
if $POSTFIX; then
  start_postfix
  load warmup "$PF" "$BIG" "$WARMUP" 1 >/dev/null
  PFLINE=$(load "postfix (plain relay)" "$PF" "$BIG" "$N" 1 | tee -a "$R")
fi
load warmup "$MS" "$BIG" "$WARMUP" 1 >/dev/null
MSLINE=$(load "mailseal encrypt+timestamp" "$MS" "$BIG" "$N" 1 | tee -a "$R")

python3 - "$BYTES" "$HEAP" "$WORK/gc.log" "$(rate_of "$MSLINE")" "$( $POSTFIX && rate_of "$PFLINE" || echo 0)" <<'PY' | tee -a "$R"
import re, sys
size, heap, gclog, ms, pf = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
mib = lambda rate: rate * size / 2**20
unit = {"K": 1 / 1024, "M": 1, "G": 1024}
gcs = [m for m in (re.search(r"(\d+)([KMG])->(\d+)([KMG])\(", line) for line in open(gclog)) if m]
before = [int(m.group(1)) * unit[m.group(2)] for m in gcs]
after = [int(m.group(3)) * unit[m.group(4)] for m in gcs]
print("\n%-34s %10s %8s" % ("%.1f MiB statement" % (size / 2**20), "MiB/s", "ratio"))
if pf:
    print("%-34s %10.2f %8s" % ("postfix (plain relay)", mib(pf), "1.00x"))
print("%-34s %10.2f %8s" % ("mailseal encrypt+timestamp", mib(ms), "%.2fx" % (ms / pf) if pf else "-"))
print("mailseal heap used after GC: max %.0f MiB of -Xmx%s (before GC: max %.0f MiB; %d GCs in the whole run)"
      % (max(after, default=0), heap, max(before, default=0), len(gcs)))
if pf:
    print("target: ratio >= 0.50x")
PY
echo "raw lines in $R, GC log $WORK/gc.log, logs in $WORK" >&2

#!/usr/bin/env bash
# Scale-out figures for docs/SCALING.md: PostgreSQL + TSA + sink, then 1 relay node, then 2, on
# loopback, in one run (see bench/README.md). Arguments go to io.mailseal.bench.ScaleOutBench:
#   bench/scaleout.sh [-n N] [-c C] [--warmup W]     (defaults: -n 3000 -c 8 --warmup 3000)
# Needs the Debian postgresql package (server binaries under /usr/lib/postgresql), java and mvn.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/mailseal.jar ] || mvn -B -q -DskipTests package
mvn -B -q -o -Dspotless.check.skip=true test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/scaleout-classpath.txt >/dev/null
exec java -cp "target/test-classes:target/classes:$(cat target/scaleout-classpath.txt)" \
    io.mailseal.bench.ScaleOutBench "$@"

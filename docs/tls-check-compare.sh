#!/usr/bin/env bash
# Judges the TlsCheckIT servers (src/test/resources/tlscheck/servers.sh) with `mailseal tls-check`
# and with Debian's testssl.sh (`apt-get install testssl.sh`), and prints per server and check both
# verdicts as a Markdown table (docs/TLS-CHECK.md holds one run). Not part of `mvn verify`: testssl
# takes about 1.5 minutes per server. Loopback only; the servers are stopped by their PIDs.
# Usage: docs/tls-check-compare.sh [BASE_PORT]   (uses BASE_PORT .. BASE_PORT+11, default 21900)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
base=${1:-21900}
work=$(mktemp -d)
command -v testssl >/dev/null || { echo "testssl.sh is not installed (apt-get install testssl.sh)" >&2; exit 2; }

cd "$repo"
mvn -B -q -o compile dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="$repo/target/classes:$(cat "$work/cp.txt")"

stop() {
  [ -f "$work/pki/servers.txt" ] || return 0
  while read -r _ _ pid; do
    kill $(pgrep -P "$pid") "$pid" 2>/dev/null || true
  done < "$work/pki/servers.txt"
}
trap stop EXIT
"$repo/src/test/resources/tlscheck/servers.sh" "$work/pki" "$base"
sleep 2
cd "$work/pki"

servers=(good wrongname expired notyet missing selfsigned revoked soon legacy tls13only starttls)
for name in "${servers[@]}"; do
  port=$(awk -v n="$name" '$1 == n { print $2 }' servers.txt)
  smtp=()
  [ "$name" = starttls ] && smtp=(--starttls smtp)
  java -cp "$cp" io.mailseal.cli.Main tls-check "localhost:$port" --ip 127.0.0.1 --trust root.pem \
    --json "${smtp[@]}" 2>/dev/null | grep '^{' > "$work/mailseal-$name.json" || true
  smtp=()
  [ "$name" = starttls ] && smtp=(-t smtp)
  testssl --quiet --color 0 --warnings off --ip 127.0.0.1 --add-ca root.pem --phone-out \
    -p -S -s -f "${smtp[@]}" --jsonfile "$work/testssl-$name.json" "localhost:$port" \
    > "$work/testssl-$name.txt" 2>&1 || true
  echo "judged $name" >&2
done

python3 - "$work" "${servers[@]}" <<'PY'
import json, sys
work, servers = sys.argv[1], sys.argv[2:]
# testssl's severities → ok / warn / fail
LEVEL = {"OK": "ok", "INFO": "ok", "LOW": "warn", "MEDIUM": "warn", "HIGH": "fail", "CRITICAL": "fail"}
ORDER = ["ok", "warn", "fail"]
# which testssl findings answer each of mailseal's checks
IDS = {
    "hostname": lambda i: i == "cert_trust",
    "chain": lambda i: i == "cert_chain_of_trust",
    "revocation": lambda i: i == "cert_ocspRevoked",
    "expiry": lambda i: i == "cert_expirationStatus",
    "protocols": lambda i: i in ("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3")
    or i.startswith("cipherlist_") or i == "PFS",
}
print("| server | check | mailseal | testssl.sh | testssl.sh's words |")
print("|---|---|---|---|---|")
for name in servers:
    ms = json.load(open(f"{work}/mailseal-{name}.json"))
    mine = {f["check"]: f["severity"] for f in ms.get("findings", [])}
    ts = json.load(open(f"{work}/testssl-{name}.json"))
    for check, wanted in IDS.items():
        hits = [e for e in ts if wanted(e["id"]) and e["severity"] in LEVEL]
        theirs = max((LEVEL[e["severity"]] for e in hits), key=ORDER.index, default="-")
        words = "; ".join(
            f'{e["id"]}: {e["finding"][:60]}' for e in hits if LEVEL[e["severity"]] == theirs
        )[:160] if theirs not in ("ok", "-") else ""
        ours = mine.get(check, ms.get("verdict"))
        # "-": testssl.sh made no such finding for this server (not a check both tools made)
        flag = "" if theirs in (ours, "-") else " **≠**"
        theirs = "not checked" if theirs == "-" else theirs
        print(f"| {name} | {check} | {ours} | {theirs}{flag} | {words} |")
PY

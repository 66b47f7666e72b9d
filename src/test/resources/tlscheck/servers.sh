#!/usr/bin/env bash
# Starts the loopback servers TlsCheckIT and docs/tls-check-compare.sh judge: one `openssl s_server`
# per certificate case, a TLS 1.0 / weak-suite server, an SMTP STARTTLS server and the `openssl ocsp`
# responder (several processes: a client keeping its connection open holds one). Writes DIR/servers.txt, one line "NAME PORT PID" each; whoever started them stops them
# by those PIDs (and their children). Usage: servers.sh DIR BASE_PORT   (uses BASE_PORT .. BASE_PORT+11)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$1
base=$2
"$here/make-pki.sh" "$dir" "$base"
cd "$dir"
: > servers.txt
started() { echo "$1 $2 $!" >> servers.txt; }

openssl ocsp -index index.txt -port "$base" -rsigner responder.pem -rkey responder.key \
  -CA inter.pem -nmin 60 -ignore_err -multi 4 > ocsp.log 2>&1 &
started ocsp "$base"

strong=(-cipher 'ECDHE+AESGCM:ECDHE+CHACHA20' -min_protocol TLSv1.2)
# tls NAME PORT_OFFSET CERT_CASE CHAIN ARGS...: CERT_CASE.pem served with CHAIN (- for none)
tls() {
  local name=$1 port=$((base + $2)) case=$3 chain=()
  [ "$4" = - ] || chain=(-cert_chain "$4")
  shift 4
  openssl s_server -accept "127.0.0.1:$port" -www -cert "$case.pem" -key "$case.key" \
    "${chain[@]}" "$@" \
    > "$name.log" 2>&1 < /dev/null &
  started "$name" "$port"
}
tls good 1 good inter.pem "${strong[@]}" -status_file good-ocsp.der
tls wrongname 2 wrongname inter.pem "${strong[@]}"
tls expired 3 expired inter.pem "${strong[@]}"
tls notyet 4 notyet inter.pem "${strong[@]}"
tls missing 5 good - "${strong[@]}"
tls selfsigned 6 selfsigned - "${strong[@]}"
tls revoked 7 revoked inter.pem "${strong[@]}"
tls soon 8 soon inter.pem "${strong[@]}"
# what Debian 12's OpenSSL still offers of the weak: TLS 1.0/1.1, CBC, static RSA, NULL, anonymous
# ECDH (3DES, RC4, EXPORT and SSLv3 are not compiled in)
tls legacy 9 good inter.pem -min_protocol TLSv1 -no_tls1_3 \
  -cipher 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA:AES128-SHA:NULL-SHA:AECDH-AES128-SHA:@SECLEVEL=0'
tls tls13only 10 good inter.pem -tls1_3
python3 "$here/smtp-starttls.py" "$((base + 11))" good-chain.pem good.key > starttls.log 2>&1 < /dev/null &
started starttls "$((base + 11))"

#!/usr/bin/env bash
# Test PKI for TlsCheckIT and docs/tls-check-compare.sh: a root, an intermediate and one server
# certificate per case, made with `openssl ca` so the intermediate's index.txt feeds the loopback
# `openssl ocsp` responder. Usage: make-pki.sh DIR OCSP_PORT
set -euo pipefail
dir=$1
ocsp=http://127.0.0.1:$2/
mkdir -p "$dir"
export SAN=DNS:unused # ca.cnf reads it; each server sets its own
cd "$dir"
q() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@"; }; }

cat > ca.cnf <<CNF
[ca]
default_ca = inter
[root]
dir = .
database = root-index.txt
new_certs_dir = issued
serial = root-serial
certificate = root.pem
private_key = root.key
default_md = sha256
policy = any
unique_subject = no
[inter]
dir = .
database = index.txt
new_certs_dir = issued
certificate = inter.pem
private_key = inter.key
serial = serial
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[any]
commonName = supplied
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
authorityInfoAccess = OCSP;URI:$ocsp
subjectAltName = \$ENV::SAN
[rootca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
[intermediate]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
[responder]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
CNF
mkdir -p issued
: > index.txt
: > root-index.txt
echo 1000 > serial
echo 01 > root-serial

# root and intermediate older than any server certificate (the expired one ended in 2021)
ca_dates=(-startdate 20190101000000Z -enddate 20390101000000Z)
q openssl req -new -newkey rsa:2048 -nodes -keyout root.key -out root.csr -subj "/CN=tls-check test root"
q openssl ca -batch -config ca.cnf -name root -selfsign -keyfile root.key -extensions rootca \
  -in root.csr -out root.pem -notext "${ca_dates[@]}"
q openssl req -new -newkey rsa:2048 -nodes -keyout inter.key -out inter.csr -subj "/CN=tls-check test intermediate"
q openssl ca -batch -config ca.cnf -name root -extensions intermediate -in inter.csr -out inter.pem \
  -notext "${ca_dates[@]}"

# server NAME SAN [START END]: NAME.key, NAME.pem
server() {
  local name=$1 san=$2 dates=()
  [ $# -eq 4 ] && dates=(-startdate "$3" -enddate "$4") || dates=(-days 365)
  q openssl req -new -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "/CN=$name"
  SAN=$san q openssl ca -batch -config ca.cnf -extensions server \
    -in "$name.csr" -out "$name.pem" -notext "${dates[@]}"
}
server good DNS:localhost
server wrongname DNS:wrong.example
server expired DNS:localhost 20200101000000Z 20210101000000Z
server notyet DNS:localhost 20370101000000Z 20380101000000Z
server revoked DNS:localhost
server soon DNS:localhost "$(date -u +%Y%m%d%H%M%SZ)" "$(date -u -d '+10 days' +%Y%m%d%H%M%SZ)"
q openssl ca -batch -config ca.cnf -revoke revoked.pem -crl_reason keyCompromise
q openssl req -new -newkey rsa:2048 -nodes -keyout responder.key -out responder.csr -subj "/CN=tls-check test OCSP"
q openssl ca -batch -config ca.cnf -extensions responder \
  -in responder.csr -out responder.pem -notext -days 365
q openssl req -x509 -newkey rsa:2048 -nodes -keyout selfsigned.key -out selfsigned.pem -days 365 \
  -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost"
cat good.pem inter.pem > good-chain.pem
# the OCSP response the good server staples (s_server -status_file), made offline by the responder
q openssl ocsp -issuer inter.pem -cert good.pem -no_nonce -reqout good-ocsp.req
q openssl ocsp -index index.txt -rsigner responder.pem -rkey responder.key -CA inter.pem \
  -reqin good-ocsp.req -respout good-ocsp.der -ndays 7
# SPKI pin of the good server's key, as apps write it (RFC 7469)
openssl x509 -in good.pem -pubkey -noout | openssl pkey -pubin -outform DER \
  | openssl dgst -sha256 -binary | base64 > good.pin

#!/bin/sh
# https-proxy-tls: a local certificate authority and the server certificate it signs, made once.
#   https-proxy-tls [--impostor] DIR CA_NAME SUBJECT_ALT_NAMES
#   e.g. https-proxy-tls /etc/nginx/tls "Lab Local CA" "DNS:proxy,DNS:localhost,IP:127.0.0.1"
# Creates what is missing in DIR and leaves the rest alone (a second run changes nothing):
#   ca.key, ca.crt          the CA (EC P-256, 10 years); ca.crt also goes to /var/www/lab/ca.crt
#   server.key, server.crt  the server certificate (CN = first DNS name, the SANs, serverAuth,
#                           90 days), signed by the CA
#   impostor.key/.crt       with --impostor: a self-signed certificate for the same names, for
#                           showing that clients which verify TLS refuse it
# Keys are 0600 and never leave DIR. Prints "created: ..." (or "created: nothing").
set -eu

impostor=0
if [ "${1:-}" = --impostor ]; then impostor=1; shift; fi
[ $# -eq 3 ] || { echo "usage: https-proxy-tls [--impostor] DIR CA_NAME SUBJECT_ALT_NAMES" >&2; exit 2; }
dir=$1 ca_name=$2 san=$3
cn=$(printf '%s\n' "$san" | tr ',' '\n' | sed -n 's/^ *DNS://p' | head -n1)
[ -n "$cn" ] || cn=localhost
umask 077
mkdir -p "$dir"
cd "$dir"
created=""
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

if [ ! -s ca.crt ]; then
    key ca.key
    openssl req -x509 -new -key ca.key -out ca.crt -days 3650 -sha256 -subj "/O=lab/CN=$ca_name" \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign"
    rm -f server.crt
    created="$created ca"
fi

if [ ! -s server.crt ]; then
    key server.key
    cat >server.ext <<EXT
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
subjectAltName = $san
EXT
    openssl req -new -key server.key -subj "/O=lab/CN=$cn" -out server.csr
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 90 -sha256 \
        -extfile server.ext -out server.crt 2>/dev/null
    rm -f server.csr server.ext
    openssl verify -CAfile ca.crt server.crt >/dev/null
    created="$created server"
fi

if [ "$impostor" = 1 ] && [ ! -s impostor.crt ]; then
    key impostor.key
    openssl req -x509 -new -key impostor.key -out impostor.crt -days 90 -sha256 \
        -subj "/O=impostor/CN=$cn" -addext "subjectAltName=$san"
    created="$created impostor"
fi

chmod 0600 ./*.key
chmod 0644 ./*.crt
if [ -d /var/www/lab ] && ! cmp -s ca.crt /var/www/lab/ca.crt; then
    install -m 0644 ca.crt /var/www/lab/ca.crt
fi
echo "created:${created:- nothing}"

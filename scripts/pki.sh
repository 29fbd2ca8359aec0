#!/usr/bin/env bash
# Makes the certificates takt's switch agents and their clients authenticate each other with:
# one CA, a server certificate per agent (SAN: 127.0.0.1, ::1, localhost and the names given),
# and client certificates for taktctl / takt-controller. Everything is plain openssl, so a
# site with its own PKI can issue the same files instead.
#
#   scripts/pki.sh DIR [--server NAME[,NAME...]]... [--client NAME]... [--days N]
#
#   DIR/ca.pem, DIR/ca.key               the CA (created once; reused when present)
#   DIR/server-<first name>.pem/.key      one per --server (default: one named "localhost")
#   DIR/client-<name>.pem/.key            one per --client (default: one named "taktctl")
#
# A --server value is a comma-separated list of DNS names or IP addresses; the first is the
# file name. Existing certificates are left alone, so re-running only adds what is missing.
set -euo pipefail

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

[[ $# -ge 1 ]] || usage
dir=$1
shift
servers=()
clients=()
days=825
while [[ $# -gt 0 ]]; do
  case $1 in
    --server) servers+=("$2"); shift 2 ;;
    --client) clients+=("$2"); shift 2 ;;
    --days) days=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "pki.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ ${#servers[@]} -gt 0 ]] || servers=(localhost)
[[ ${#clients[@]} -gt 0 ]] || clients=(taktctl)

mkdir -p "$dir"
umask 077

if [[ ! -f $dir/ca.pem ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" -days "$days" -subj "/CN=takt CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  echo "pki.sh: made CA $dir/ca.pem"
fi

# issue NAME KIND(server|client) SAN
issue() {
  local name=$1 kind=$2 san=$3
  local base=$dir/$kind-$name
  if [[ -f $base.pem ]]; then
    echo "pki.sh: $base.pem exists, kept"
    return
  fi
  local ext
  ext=$(mktemp)
  trap 'rm -f "$ext"' RETURN
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ $kind == server ]]; then
      echo "extendedKeyUsage=serverAuth"
      echo "subjectAltName=$san"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$base.key" -out "$base.csr" -subj "/CN=$name" 2>/dev/null
  openssl x509 -req -in "$base.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -out "$base.pem" -days "$days" -extfile "$ext" 2>/dev/null
  rm -f "$base.csr"
  echo "pki.sh: made $kind certificate $base.pem"
}

for spec in "${servers[@]}"; do
  IFS=, read -r -a names <<<"$spec"
  san="DNS:localhost,IP:127.0.0.1,IP:::1"
  for n in "${names[@]}"; do
    if [[ $n =~ ^[0-9.]+$ || $n == *:* ]]; then
      san+=",IP:$n"
    elif [[ $n != localhost ]]; then
      san+=",DNS:$n"
    fi
  done
  issue "${names[0]}" server "$san"
done
for name in "${clients[@]}"; do
  issue "$name" client ""
done

#!/usr/bin/env bash
# Installs every Debian package takt builds, tests and demos with. Idempotent: when all are
# present it only checks and returns.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ccache clang-14 clang-format-14
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev catch2
  libboost-dev libboost-system-dev libssl-dev
  dpdk dpdk-dev libdpdk-dev libpcap-dev libbpf-dev bpftool
  linuxptp iproute2 procps ethtool tcpdump python3 jq curl openssl
  libyang2-tools prometheus
  libnetconf2-dev libssh-dev netconfd openssh-server openssh-client
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# openssh-server is here for the NETCONF tests' private sshd only: its package must not start
# the machine's own sshd. policy-rc.d (Debian's way to keep packages from starting services)
# says no while it installs, unless the machine already has a policy of its own.
policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  policy=/usr/sbin/policy-rc.d
  trap '$sudo rm -f "$policy"' EXIT
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
fi
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts the prometheus service on install; takt's tests run their own instance.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
  $sudo systemctl stop prometheus || true
fi
echo "setup: done"

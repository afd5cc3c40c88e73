#!/usr/bin/env bash
# Installs what strata's build and tests need on Debian 12 (run as root). Safe to run twice: it installs only
# the packages that are missing.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  # libraries (DESIGN.md §9)
  libpcap-dev libgtest-dev libgmock-dev googletest libbenchmark-dev libcli11-dev libtomlplusplus-dev libfmt-dev
  libreadline-dev nlohmann-json3-dev
  # tests: the reference decoder, capture tools, namespaces
  tshark tcpdump iproute2 ethtool curl python3 socat iputils-ping iputils-arping
  # fuzzing and style
  clang libclang-rt-14-dev clang-format clang-tidy
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages: ${missing[*]}; run as root (or with sudo) to install them" >&2
  exit 2
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; the answer does not matter for strata.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"

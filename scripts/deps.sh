#!/usr/bin/env bash
# Sourced by the set-up scripts: makes sure the Debian packages the build needs are installed.
# As root it installs what is missing; as anyone else it prints the exact apt-get line and stops.
nonlin_required_packages=(g++ cmake make libboost-dev libboost-test-dev libbenchmark-dev nlohmann-json3-dev)

nonlin_ensure_packages() {
  local missing=() p
  for p in "${nonlin_required_packages[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "nonlin: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || {
      echo "nonlin: apt-get install failed" >&2; exit 1; }
  else
    echo "nonlin: missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

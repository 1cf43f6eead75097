#!/usr/bin/env bash
# `make bench` drives the server with wrk (Debian's package): a load generator in C that is not the bottleneck.
set -eu
if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
echo "Installing Debian's wrk for the benchmark…" >&2
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq wrk >/dev/null
command -v wrk >/dev/null

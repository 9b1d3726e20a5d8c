#!/usr/bin/env bash
# Puts Debian's Prometheus (prometheus and promtool binaries) under .tools/prometheus,
# without installing or starting a service: the tests run it themselves, on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.tools/prometheus
if [ -x "$dest/usr/bin/promtool" ] && [ -x "$dest/usr/bin/prometheus" ]; then exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
if ! (cd "$work" && apt-get download prometheus >/dev/null 2>&1); then
  apt-get update -qq
  (cd "$work" && apt-get download prometheus >/dev/null)
fi
mkdir -p "$dest"
dpkg-deb -x "$work"/prometheus_*.deb "$dest"
"$dest/usr/bin/promtool" --version | head -1

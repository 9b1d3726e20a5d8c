#!/usr/bin/env bash
# What the tests need besides npm packages, from Debian: openssl (test certificates),
# Dovecot (the real POP3/IMAP server of the mailbox tests; installed, never started as a
# service: the tests start their own), and Prometheus with promtool, unpacked under
# .tools/prometheus without installing or starting a service.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v openssl >/dev/null 2>&1 || need+=(openssl ca-certificates)
{ [ -x /usr/sbin/dovecot ] && dpkg -s dovecot-pop3d dovecot-imapd >/dev/null 2>&1; } ||
  need+=(dovecot-core dovecot-pop3d dovecot-imapd)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-test-deps: the tests need Debian packages only root can install; run once:" \
      "sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

dest=.tools/prometheus
if [ ! -x "$dest/usr/bin/promtool" ] || [ ! -x "$dest/usr/bin/prometheus" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  chmod 755 "$work"
  if ! (cd "$work" && apt-get download prometheus >/dev/null 2>&1); then
    apt-get update -qq
    (cd "$work" && apt-get download prometheus >/dev/null)
  fi
  mkdir -p "$dest"
  dpkg-deb -x "$work"/prometheus_*.deb "$dest"
fi

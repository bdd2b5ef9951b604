#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium for the browser tests.
#
# Playwright drives this system browser (executable_path="/usr/bin/chromium").
# `playwright install` is never used: it downloads a browser build of its own,
# and this project installs everything from package registries only.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  # Not an error, so `make test` still runs everything else: the browser tests
  # in tests/browser/ skip themselves, naming the missing browser.
  echo "warning: $CHROMIUM is missing and installing it needs root; the browser tests will be skipped." >&2
  echo "To install it, run as root:  apt-get update && apt-get install -y chromium" >&2
  exit 0
fi

echo "Installing Debian's chromium package for the browser tests..."
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y chromium

if [ ! -x "$CHROMIUM" ]; then
  echo "error: the chromium package installed, but $CHROMIUM is still missing." >&2
  exit 1
fi
echo "Chromium is ready: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"

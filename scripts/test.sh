#!/usr/bin/env bash
# npm test: the whole set-up on a fresh Debian or Ubuntu machine, then every suite.
# Installs the system packages the tests use when run as root; otherwise names them.
set -euo pipefail
cd "$(dirname "$0")/.."

have() { command -v "$1" >/dev/null 2>&1; }
need=()
[ -x "${CONTACTPOINT_CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium)
have dbus-run-session || need+=(dbus)
have gnome-keyring-daemon || need+=(gnome-keyring)
[ -f /usr/include/libsecret-1/libsecret/secret.h ] || need+=(libsecret-1-dev)
have softhsm2-util || need+=(softhsm2)
have pkcs11-tool || need+=(opensc)
have pg_ctlcluster || need+=(postgresql)
# The national stack's parts (scripts/national/stack.ts): pg_auto_failover and HAProxy.
have pg_autoctl || need+=(postgresql-15-auto-failover pg-auto-failover-cli)
have haproxy || [ -x /usr/sbin/haproxy ] || need+=(haproxy)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && have apt-get; then
    echo "Installing the system packages the tests use: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "The tests need these system packages, which are missing: ${need[*]}." >&2
    echo "Install them with:  sudo apt-get install ${need[*]}" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

if [ ! -d node_modules ]; then
  echo "Installing npm dependencies (npm ci)..."
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

# A private D-Bus session with an unlocked gnome-keyring: the OS credential store the
# vault uses, real, and gone when the run ends (scripts/with-keyring.sh).
exec bash scripts/with-keyring.sh npx vitest run "$@"

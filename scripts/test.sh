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
# vault uses, real, and gone when the run ends. Its keyring lives in a throwaway HOME.
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export CP_KEYRING_HOME="$keyring_home"
dbus-run-session -- bash -c '
  printf "test-keyring-password" | HOME="$CP_KEYRING_HOME" gnome-keyring-daemon --unlock --replace --components=secrets >/dev/null 2>&1 || {
    echo "gnome-keyring-daemon did not start: the keyring tests cannot run" >&2; }
  exec npx vitest run "$@"
' vitest "$@"

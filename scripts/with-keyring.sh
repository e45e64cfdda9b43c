#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring: the OS
# credential store the working set's vault uses, real, and gone when the command ends.
# Its keyring lives in a throwaway HOME. Used by npm test and npm run bench.
set -euo pipefail
if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  echo "The credential store tests and benchmarks need dbus and gnome-keyring: sudo apt-get install dbus gnome-keyring libsecret-1-dev" >&2
  exec "$@"
fi
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export CP_KEYRING_HOME="$keyring_home"
dbus-run-session -- bash -c '
  printf "test-keyring-password" | HOME="$CP_KEYRING_HOME" gnome-keyring-daemon --unlock --replace --components=secrets >/dev/null 2>&1 || {
    echo "gnome-keyring-daemon did not start: the credential store cannot be used" >&2; }
  exec "$@"
' with-keyring "$@" 2> >(grep --line-buffered -v "Failed to set fd limit" >&2)

#!/usr/bin/env bash
# Runs a keyring test three times in a throw-away home: with no session bus at all (MESHSCOPE_KEYRING=none), with
# a private session bus whose Secret Service D-Bus activation starts without a login keyring
# (MESHSCOPE_KEYRING=no-login-keyring): the error paths; then in a private D-Bus session with
# GNOME Keyring's Secret Service, unlocked with a throw-away password on stdin (MESHSCOPE_KEYRING=secret-service).
# All runs must pass. Debian packages: dbus, gnome-keyring.
set -euo pipefail
test=$1
shift
for tool in dbus-run-session gnome-keyring-daemon; do
    command -v "$tool" >/dev/null || { echo "run-with-keyring: no $tool (Debian packages dbus, gnome-keyring)" >&2; exit 1; }
done
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
mkdir -m 700 "$home/run"
export HOME=$home XDG_RUNTIME_DIR=$home/run XDG_DATA_HOME=$home/share XDG_CONFIG_HOME=$home/config

env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY MESHSCOPE_KEYRING=none "$test" "$@"
MESHSCOPE_KEYRING=no-login-keyring dbus-run-session -- "$test" "$@"

# The daemon leaves with the session bus when dbus-run-session ends.
MESHSCOPE_KEYRING=secret-service dbus-run-session -- bash -c '
    set -euo pipefail
    head -c 16 /dev/urandom | base64 | tr -d "\n" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec "$@"' run-with-keyring "$test" "$@"

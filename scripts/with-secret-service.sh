#!/usr/bin/env bash
# Run a command with a real, private, unlocked Secret Service (gnome-keyring on a private D-Bus).
#
#   scripts/with-secret-service.sh CMD [ARGS...]
#
# Installs Debian's dbus and gnome-keyring when they are missing (as root or with passwordless
# sudo), starts a session bus with dbus-run-session and, on it, gnome-keyring-daemon with its
# keyrings in a temporary directory (never the user's own), unlocked with an empty line as the
# password. CMD then runs with TIKHUB_TUI_SECRET_SERVICE=1 and TIKHUB_TUI_SECRET_SERVICE_PID
# (the daemon's pid, so tests can check they talk to this daemon and no other). If the tools
# cannot be had, one line says so and CMD runs without them (the Secret Service tests then
# skip, or fail under CI=1). The exit status is CMD's.
set -euo pipefail

say() { echo "with-secret-service: $*" >&2; }
# What the bus must not share with CMD: saved before, given back to CMD inside.
restored=(XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_RUNTIME_DIR DISPLAY WAYLAND_DISPLAY)

if [ "${1:-}" = "--inside" ]; then
    shift
    exec 2>&3  # this script's own messages reach the caller; the bus keeps its log
    # Inside the private bus; HOME and XDG_* point into the temporary directory.
    # Wait until the bus answers before starting anything on it.
    for _ in $(seq 50); do
        dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.GetId >/dev/null 2>&1 && break
        sleep 0.1
    done
    printf '\n' | gnome-keyring-daemon --foreground --unlock --components=secrets \
        >"$TIKHUB_TUI_SS_DIR/daemon.log" 2>&1 &
    daemon=$!
    trap 'kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true' EXIT
    # Poll the bus (not the service: a call to it would make D-Bus start another daemon)
    # until our daemon owns the Secret Service name, then read its default collection.
    bus=(--session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus)
    owner=""
    for _ in $(seq 100); do
        if ! kill -0 "$daemon" 2>/dev/null; then
            say "gnome-keyring-daemon exited at start:"; cat "$TIKHUB_TUI_SS_DIR/daemon.log" >&2
            exit 1
        fi
        owner=$(dbus-send "${bus[@]}" org.freedesktop.DBus.GetConnectionUnixProcessID \
            string:org.freedesktop.secrets 2>/dev/null | grep -o 'uint32 [0-9]*' || true)
        [ -n "$owner" ] && break
        sleep 0.1
    done
    if [ "$owner" != "uint32 $daemon" ]; then
        say "the Secret Service on the private bus is not the daemon started here ($owner)"
        exit 1
    fi
    login=$(dbus-send --session --print-reply --dest=org.freedesktop.secrets \
        /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias string:default \
        | grep -o '/org/freedesktop/secrets/collection/[^"]*' || true)
    if [ -z "$login" ]; then
        say "gnome-keyring-daemon started but made no default collection:"
        cat "$TIKHUB_TUI_SS_DIR/daemon.log" >&2
        exit 1
    fi
    locked=$(dbus-send --session --print-reply --dest=org.freedesktop.secrets "$login" \
        org.freedesktop.DBus.Properties.Get string:org.freedesktop.Secret.Collection \
        string:Locked | grep -o 'boolean [a-z]*' || true)
    if [ "$locked" != "boolean false" ]; then
        say "the default collection $login is not unlocked ($locked)"; exit 1
    fi
    # CMD gets the caller's HOME, XDG directories and display back; only the keyring is private.
    export HOME="$TIKHUB_TUI_SS_HOME"
    for name in "${restored[@]}"; do
        saved="TIKHUB_TUI_SS_SAVED_$name"
        if [ -n "${!saved+set}" ]; then export "$name=${!saved}"; else unset "$name"; fi
        unset "$saved"
    done
    unset TIKHUB_TUI_SS_HOME TIKHUB_TUI_SS_DIR
    export TIKHUB_TUI_SECRET_SERVICE=1 TIKHUB_TUI_SECRET_SERVICE_PID="$daemon"
    set +e
    "$@" 3>&-
    status=$?
    exit "$status"
fi

if [ $# -eq 0 ]; then
    say "usage: scripts/with-secret-service.sh CMD [ARGS...]"; exit 2
fi

have_tools() {
    command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null
}

why="needs apt-get, as root or with passwordless sudo"
if ! have_tools; then
    sudo=()
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n); fi
    fi
    if command -v apt-get >/dev/null && { [ "$(id -u)" = 0 ] || [ ${#sudo[@]} -gt 0 ]; }; then
        say "installing dbus and gnome-keyring with apt-get"
        install=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q
                 --no-install-recommends dbus gnome-keyring)
        if ! "${install[@]}" >/dev/null 2>&1; then
            "${sudo[@]}" apt-get update -q >/dev/null 2>&1 || true
            "${install[@]}" >/dev/null 2>&1 || true
        fi
        why="apt-get install dbus gnome-keyring failed"
    fi
fi
if ! have_tools; then
    say "dbus-run-session or gnome-keyring-daemon is missing and could not be installed" \
        "($why); running without a Secret Service"
    exec "$@"
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/tikhub-tui-secret-service.XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkdir -m 700 "$dir/home" "$dir/runtime"
saved=()
for name in "${restored[@]}"; do
    if [ -n "${!name+set}" ]; then saved+=("TIKHUB_TUI_SS_SAVED_$name=${!name}"); fi
done
# The bus and everything it starts (the daemon, and anything D-Bus activates) see only the
# temporary HOME, so no keyring of the user's is ever opened, and no display, so no unlock
# prompt ever shows on a screen. The bus's own chatter goes to a log; CMD gets the caller's
# stderr back through fd 3.
set +e
env -u DISPLAY -u WAYLAND_DISPLAY "${saved[@]}" TIKHUB_TUI_SS_HOME="$HOME" \
    TIKHUB_TUI_SS_DIR="$dir" HOME="$dir/home" XDG_DATA_HOME="$dir/home/.local/share" \
    XDG_CONFIG_HOME="$dir/home/.config" XDG_CACHE_HOME="$dir/home/.cache" \
    XDG_RUNTIME_DIR="$dir/runtime" \
    dbus-run-session -- bash "${BASH_SOURCE[0]}" --inside "$@" 3>&2 2>"$dir/bus.log"
status=$?
exit "$status"

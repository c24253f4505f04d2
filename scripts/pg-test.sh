#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests and benchmarks (Debian's postgresql package; no Docker).
#
#   scripts/pg-test.sh start [--durable]         prints one line: the connection string
#                                                (so WALLETGRAINS_TEST_POSTGRES=$(scripts/pg-test.sh start) works)
#   scripts/pg-test.sh stop <connection string | port | dir>   stops that cluster and deletes its directory
#
# The cluster lives in a fresh temp directory owned by the postgres OS user (PostgreSQL refuses to run as root),
# listens on 127.0.0.1 on a free port with its socket in that directory, trusts local connections and has a
# database walletgrains_test. Without --durable, fsync and synchronous commit are off: tests do not test power
# loss, and they run much faster. Benchmarks pass --durable.
set -euo pipefail

die() { echo "pg-test: $*" >&2; exit 1; }

bindir() {
    local v
    for v in 17 16 15 14 13; do
        if [ -x "/usr/lib/postgresql/$v/bin/initdb" ]; then echo "/usr/lib/postgresql/$v/bin"; return; fi
    done
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
    die "PostgreSQL server binaries not found; install them with: apt-get install -y postgresql"
}

# Runs a command as the postgres user when we are root, else as ourselves.
as_pg() {
    # From /, which the postgres user can always enter (the caller's directory may be private to root).
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
    local durable=0
    [ "${1:-}" = "--durable" ] && durable=1
    local bin dir port opts attempt
    bin=$(bindir)
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then die "running as root needs the postgres OS user (apt-get install -y postgresql)"; fi
    dir=$(mktemp -d "${TMPDIR:-/tmp}/walletgrains-pg.XXXXXX")
    chmod 700 "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; die "initdb failed"; }
    for attempt in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 40000))
        port_free "$port" || continue
        opts="-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300"
        if [ "$durable" = 0 ]; then opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"; fi
        if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$opts" -w -t 60 start >/dev/null 2>&1; then
            as_pg "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qc "CREATE DATABASE walletgrains_test" >/dev/null \
                || { stop "$dir"; die "could not create the test database"; }
            echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=walletgrains_test" | as_pg tee "$dir/connection"
            echo "pg-test: cluster in $dir; stop it with: $0 stop $port" >&2
            return
        fi
    done
    cat "$dir/server.log" >&2 || true
    rm -rf "$dir"
    die "could not start PostgreSQL on a free port"
}

stop() {
    local target="${1:-}" dir="" port candidate
    [ -n "$target" ] || die "usage: pg-test.sh stop <connection string | port | dir>"
    if [ -d "$target" ]; then
        dir="$target"
    else
        port=$(printf '%s' "$target" | sed -n 's/.*[Pp]ort=\([0-9]*\).*/\1/p')
        [ -n "$port" ] || port="$target"
        case "$port" in ''|*[!0-9]*) die "cannot find a port in '$target'";; esac
        for candidate in "${TMPDIR:-/tmp}"/walletgrains-pg.*; do
            if grep -q "Port=$port;" "$candidate/connection" 2>/dev/null; then dir="$candidate"; break; fi
        done
        [ -n "$dir" ] || die "no pg-test.sh cluster listens on port $port"
    fi
    case "$dir" in *walletgrains-pg.*) ;; *) die "refusing to stop '$dir': not a pg-test.sh cluster directory";; esac
    if [ -d "$dir/data" ]; then
        as_pg "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) shift; start "$@" ;;
    stop) shift; stop "$@" ;;
    *) die "usage: pg-test.sh start [--durable] | stop <connection string | port | dir>" ;;
esac

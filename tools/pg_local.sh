#!/usr/bin/env bash
# The project-local PostgreSQL cluster: $BUILD/pg/data, its socket in $BUILD/pg, no
# TCP port, no root needed, no system service touched. tools/setup.sh starts it when
# no PostgreSQL server answers; `make stop` stops it.
#
#   tools/pg_local.sh start    initdb the first time, then start it (idempotent)
#   tools/pg_local.sh stop     stop it (nothing to do when it is not running)
#   tools/pg_local.sh status   exit 0 when it runs
#   tools/pg_local.sh env      print the PGHOST/PGPORT exports that point to it
#
# PG_BIN selects the PostgreSQL binaries (default: the newest
# /usr/lib/postgresql/*/bin, else initdb on the PATH); PGPORT names the socket
# (.s.PGSQL.<port>, default 5432). As root, the server runs as the `postgres` user
# (initdb refuses root); the database superuser is always the current user.
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

PGDIR="$BUILD/pg"
DATA="$PGDIR/data"
PG_LOCAL_PORT="${PG_LOCAL_PORT:-${PGPORT:-5432}}"
SERVER_LOG="$PGDIR/server.log"

pg_bin() {
    if [ -n "${PG_BIN:-}" ]; then
        echo "$PG_BIN"
        return
    fi
    local dir
    dir="$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)"
    if [ -z "$dir" ] && command -v initdb >/dev/null; then
        dir="$(dirname "$(command -v initdb)")"
    fi
    [ -n "$dir" ] && [ -x "$dir/initdb" ] \
        || die "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin nor on the PATH: install the PostgreSQL server package (e.g. apt-get install postgresql) or set PG_BIN=/path/to/bin"
    echo "$dir"
}

# as_server CMD...: runs CMD as the user the server runs as (postgres when root)
as_server() {
    if [ "$(id -u)" = 0 ]; then
        (cd "$PGDIR" && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

running() {
    [ -f "$DATA/PG_VERSION" ] && pg_isready -q -h "$PGDIR" -p "$PG_LOCAL_PORT"
}

# As root: $PGDIR belongs to postgres, and every parent directory must let it in.
prepare_dir_for_postgres() {
    id postgres >/dev/null 2>&1 \
        || die "running as root, the local cluster runs as the user 'postgres', which does not exist (install the PostgreSQL server package, or run make as a normal user)"
    chown postgres: "$PGDIR"
    local dir="$PGDIR"
    while [ "$dir" != / ]; do
        dir="$(dirname "$dir")"
        if ! runuser -u postgres -- test -x "$dir"; then
            echo "   chmod o+x $dir (the postgres user must reach $PGDIR)"
            chmod o+x "$dir"
        fi
    done
}

start() {
    if running; then
        return
    fi
    local sock="$PGDIR/.s.PGSQL.$PG_LOCAL_PORT"
    [ "${#sock}" -lt 100 ] \
        || die "the socket path $sock is too long for a Unix socket (over 100 characters): use a shorter BUILD=... or clone the repository to a shorter path"
    local bin
    bin="$(pg_bin)"
    mkdir -p "$PGDIR"
    if [ "$(id -u)" = 0 ]; then prepare_dir_for_postgres; fi
    if [ ! -f "$DATA/PG_VERSION" ]; then
        log "creating a project-local PostgreSQL cluster in $DATA ($bin)"
        as_server "$bin/initdb" -D "$DATA" -A trust -U "$(id -un)" -E UTF8 --locale=C \
            > "$PGDIR/initdb.log" 2>&1 \
            || { cat "$PGDIR/initdb.log"; die "initdb of $DATA (log above: $PGDIR/initdb.log)"; }
    fi
    log "starting the project-local PostgreSQL (socket in $PGDIR, log $SERVER_LOG)"
    as_server "$bin/pg_ctl" -D "$DATA" -l "$SERVER_LOG" -w -t 60 \
        -o "-k $PGDIR -p $PG_LOCAL_PORT -c listen_addresses=''" start > /dev/null \
        || { tail -20 "$SERVER_LOG"; die "the local PostgreSQL did not start (log above: $SERVER_LOG)"; }
}

stop() {
    if ! running; then
        echo "the project-local PostgreSQL is not running"
        return
    fi
    as_server "$(pg_bin)/pg_ctl" -D "$DATA" -m fast -w stop > /dev/null
    echo "stopped the project-local PostgreSQL ($DATA)"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) running ;;
    env) printf 'export PGHOST=%q PGPORT=%q\n' "$PGDIR" "$PG_LOCAL_PORT" ;;
    *) die "usage: $0 start|stop|status|env" ;;
esac

#!/usr/bin/env bash
# Prepares the machine for `make run` / `make test` and checks it; idempotent, each
# step does nothing when it is done already. Shared by the Makefile (`make check`)
# and CI (.ci/run, with --install-packages).
#
#   tools/setup.sh [--install-packages]
#
# 1. the Odoo 18 source tree at ODOO_SRC (never downloaded);
# 2. with --install-packages (root): apt-get install what is missing (PostgreSQL,
#    Chromium, wkhtmltopdf);
# 3. a PostgreSQL server: PGHOST when it is set; else the project-local cluster when
#    $BUILD/pg holds one, when none answers on the default socket, or when
#    AR_PG_LOCAL=1 (tools/pg_local.sh); else the server on the default socket.
#    The choice is written to $BUILD/pg.env, which every tools/ script reads;
# 4. a PostgreSQL superuser role for the current user (created as root when missing).
AR_SKIP_PG_ENV=1
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

install_packages=
[ "${1:-}" = --install-packages ] && install_packages=1

# --- 1. Odoo source ---------------------------------------------------------
check_odoo_src

# --- 2. system packages -------------------------------------------------------
have_browser() {
    command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
        || command -v google-chrome >/dev/null
}
if [ -n "$install_packages" ]; then
    missing=()
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null \
        || missing+=(postgresql)
    command -v psql >/dev/null || missing+=(postgresql-client)
    have_browser || missing+=(chromium)
    command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf)
    if [ "${#missing[@]}" -gt 0 ]; then
        [ "$(id -u)" = 0 ] || die "missing packages ${missing[*]} and not root: install them first"
        log "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq < /dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" < /dev/null
    fi
fi
command -v psql >/dev/null && command -v pg_isready >/dev/null \
    || die "PostgreSQL client tools (psql, pg_isready) not found (apt-get install postgresql-client)"

# --- 3. a PostgreSQL server ---------------------------------------------------
if [ -n "${PGHOST:-}" ] && [ "${PGHOST}" != "$BUILD/pg" ]; then
    pg_isready -q || die "PostgreSQL does not answer at PGHOST=$PGHOST${PGPORT:+ PGPORT=$PGPORT} (unset PGHOST to use a project-local server)"
    echo "# PGHOST=$PGHOST was given: nothing to export" > "$BUILD/pg.env"
elif [ -f "$BUILD/pg/data/PG_VERSION" ] || [ "${AR_PG_LOCAL:-}" = 1 ] \
        || ! (unset PGHOST; pg_isready -q); then
    tools/pg_local.sh start
    tools/pg_local.sh env > "$BUILD/pg.env"
    # shellcheck disable=SC1091
    . "$BUILD/pg.env"
else
    unset PGHOST
    echo "# the PostgreSQL server on the default socket: nothing to export" > "$BUILD/pg.env"
fi

# --- 4. a role for the current user ---------------------------------------------
user="$(id -un)"
if ! err="$(sql postgres 'select 1' 2>&1 > /dev/null)"; then
    if [[ "$err" == *"role \"$user\" does not exist"* ]]; then
        if [ "$(id -u)" = 0 ]; then
            log "creating the PostgreSQL role $user"
            runuser -u postgres -- createuser -s "$user" < /dev/null
        elif sudo -n -u postgres createuser -s "$user" < /dev/null 2> /dev/null; then
            log "created the PostgreSQL role $user"
        else
            die "PostgreSQL refuses user $user: create the role with: sudo -u postgres createuser -s $user"
        fi
    else
        die "PostgreSQL answers but refuses user $user: $err"
    fi
fi

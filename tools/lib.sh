# Shared by the tools/*.sh scripts (sourced, never run): settings, logging and the
# PostgreSQL helpers. Every setting comes from the environment (the Makefile exports
# them) with the Makefile's default; paths are made absolute here.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

ODOO_SRC="$(realpath -m "${ODOO_SRC:-/opt/odoo/18.0}")"
VENV="$(realpath -m "${VENV:-.venv}")"
BUILD="$(realpath -m "${BUILD:-.build}")"
PORT="${PORT:-8069}"
MAIL_PORT="${MAIL_PORT:-1025}"
PY="$VENV/bin/python"
ODOO=("$PY" "$ODOO_SRC/odoo-bin")
RESULTS="$BUILD/test-results"
# Lines of an Odoo log that make an install fail.
LOG_ERRORS=' ERROR | CRITICAL |Some modules are not loaded|[Ff]ailed to load|invalid module names|not installable'

mkdir -p "$BUILD/data"

# The PostgreSQL server chosen by tools/setup.sh: $BUILD/pg.env exports PGHOST and
# PGPORT when it is the project-local cluster, and nothing otherwise.
if [ -z "${AR_SKIP_PG_ENV:-}" ] && [ -f "$BUILD/pg.env" ]; then
    # shellcheck disable=SC1091
    . "$BUILD/pg.env"
fi

log() { echo "== $*"; }
die() {
    echo "FAILED: $*" >&2
    exit 1
}

# The Odoo 18 source tree at ODOO_SRC (never downloaded)
check_odoo_src() {
    [ -f "$ODOO_SRC/odoo-bin" ] \
        || die "Odoo 18 source not found at $ODOO_SRC (set ODOO_SRC=/path/to/odoo-18.0, the directory holding odoo-bin; it is never downloaded)"
    grep -qE '^version_info = \(18, 0' "$ODOO_SRC/odoo/release.py" \
        || die "$ODOO_SRC is not Odoo 18.0 ($(grep -E '^version_info' "$ODOO_SRC/odoo/release.py")); set ODOO_SRC=..."
}

conf_of() { echo "$BUILD/odoo-$1.conf"; }

# psql as the current user, quiet, no psqlrc: sql DB QUERY
sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

db_exists() { [ "$(sql postgres "select 1 from pg_database where datname = '$1'")" = 1 ]; }

# db_param DB KEY: an ir.config_parameter value of DB (empty if none)
db_param() { sql "$1" "select value from ir_config_parameter where key = '$2'" 2>/dev/null || true; }

db_set_param() {
    sql "$1" "insert into ir_config_parameter (key, value) values ('$2', '$3')
              on conflict (key) do update set value = excluded.value"
}

# db_drop DB: drops it (closing its connections) and its filestore
db_drop() {
    PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists --force "$1"
    rm -rf "$BUILD/data/filestore/$1"
}

# odoo_shell DB SCRIPT: runs SCRIPT through `odoo-bin shell` on DB
odoo_shell() {
    "${ODOO[@]}" shell -c "$(conf_of "$1")" -d "$1" --no-http --log-level=warn < "$2"
}

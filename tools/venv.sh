#!/usr/bin/env bash
# The virtualenv $VENV: created with $PYTHON when missing; with `install`, Odoo's
# requirements (without python-ldap) and requirements-dev.txt are pip-installed,
# then requirements-nodeps.txt with --no-deps;
# always: a .pth file that points to $ODOO_SRC (Odoo is not installed as a package).
#
#   tools/venv.sh [install]
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

check_odoo_src
if [ ! -x "$PY" ]; then
    log "creating the virtualenv $VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
fi
if [ "${1:-}" = install ]; then
    echo 'setuptools<70' > "$BUILD/pip-constraints.txt"
    grep -v -i '^python-ldap' "$ODOO_SRC/requirements.txt" > "$BUILD/odoo-requirements.txt"
    log "pip install: Odoo's requirements and requirements-dev.txt into $VENV"
    PIP_CONSTRAINT="$BUILD/pip-constraints.txt" "$VENV/bin/pip" install -q \
        -r "$BUILD/odoo-requirements.txt" -r requirements-dev.txt
    log "pip install --no-deps: requirements-nodeps.txt (OCA addons) into $VENV"
    PIP_CONSTRAINT="$BUILD/pip-constraints.txt" "$VENV/bin/pip" install -q \
        --no-deps -r requirements-nodeps.txt
fi
site="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
if [ "$(cat "$site/odoo-src.pth" 2> /dev/null)" != "$ODOO_SRC" ]; then
    echo "$ODOO_SRC" > "$site/odoo-src.pth"
    echo "wrote $site/odoo-src.pth -> $ODOO_SRC"
fi

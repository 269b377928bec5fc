#!/usr/bin/env bash
# A fresh database with MODULES installed (no demo data). Fails, printing the log,
# when odoo-bin fails, when the log has an error, or when an addon of this
# repository named in MODULES is not installed at the end.
#
#   tools/odoo_install.sh DB MODULES        (MODULES: comma-separated)
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

db="${1:?usage: $0 DB MODULES}"
modules="${2:?usage: $0 DB MODULES}"
install_log="$BUILD/install-$db.log"

log "installing $modules into $db (log: $install_log)"
db_drop "$db"
tools/odoo_conf.sh "$db"
start=$(date +%s)
if ! "${ODOO[@]}" -c "$(conf_of "$db")" -d "$db" -i "$modules" --stop-after-init \
        --without-demo=all --no-http --log-level=info > "$install_log" 2>&1; then
    cat "$install_log"
    die "odoo-bin -i $modules on $db exited non-zero (log above: $install_log)"
fi
if grep -qE "$LOG_ERRORS" "$install_log"; then
    cat "$install_log"
    echo "the install log of $db has errors:"
    grep -nE "$LOG_ERRORS" "$install_log" | head -40
    die "errors in the install log of $db ($install_log)"
fi
for module in ${modules//,/ }; do
    [ -f "$module/__manifest__.py" ] || [ -f "tests/addons/$module/__manifest__.py" ] || continue
    state="$(sql "$db" "select state from ir_module_module where name = '$module'")"
    if [ "$state" != installed ]; then
        cat "$install_log"
        die "$module is '$state' in $db, not installed (is $ROOT in addons_path?)"
    fi
done
echo "   installed in $(($(date +%s) - start))s ($(grep -c ' WARNING ' "$install_log" || true) warnings in the log)"

#!/usr/bin/env bash
# The bench databases. The generated data lives in a template database
# ${DB_BENCH}_tpl_<invoices>_<customers>, built once per size (tools/bench_data.py);
# each bench copies it to $DB_BENCH (createdb -T), so that every run starts from the
# same state. When ar_collections changes (a hash of its files), the template is
# updated (-u ar_collections) once.
#
#   tools/bench_db.sh          (re)create $DB_BENCH from the template
#   tools/bench_db.sh clean    drop every database whose name starts with $DB_BENCH
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

bench="${DB_BENCH:-ar_bench}"
export BENCH_INVOICES="${BENCH_INVOICES:-20000}" BENCH_CUSTOMERS="${BENCH_CUSTOMERS:-2000}"
tpl="${bench}_tpl_${BENCH_INVOICES}_${BENCH_CUSTOMERS}"

addon_hash() {
    find ar_collections -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 \
        | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40
}

if [ "${1:-}" = clean ]; then
    for db in $(sql postgres "select datname from pg_database where datname like '${bench}%'"); do
        echo "dropping $db"
        db_drop "$db"
    done
    exit 0
fi

tools/odoo_conf.sh "$tpl"
tools/odoo_conf.sh "$bench"
if db_exists "$tpl" && [ -n "$(db_param "$tpl" ar_bench.ready)" ]; then
    log "reusing bench template $tpl"
else
    # the hash is taken before the install: the template holds that version
    hash="$(addon_hash)"
    tools/odoo_install.sh "$tpl" "${BENCH_MODULES:-account,ar_collections}"
    log "generating $BENCH_INVOICES invoices over $BENCH_CUSTOMERS customers (tools/bench_data.py)"
    start=$(date +%s)
    odoo_shell "$tpl" tools/bench_data.py \
        || { db_drop "$tpl"; die "tools/bench_data.py; dropped $tpl"; }
    echo "   data generated in $(($(date +%s) - start))s"
    db_set_param "$tpl" ar_bench.addon_hash "$hash"
fi

hash="$(addon_hash)"
if [ "$(db_param "$tpl" ar_bench.addon_hash)" != "$hash" ]; then
    log "ar_collections changed since $tpl was built: updating it"
    update_log="$BUILD/update-$tpl.log"
    if ! "${ODOO[@]}" -c "$(conf_of "$tpl")" -d "$tpl" -u ar_collections --stop-after-init \
            --no-http --log-level=info > "$update_log" 2>&1 \
            || grep -qE "$LOG_ERRORS" "$update_log"; then
        grep -nE "$LOG_ERRORS" "$update_log" | head -40 || tail -40 "$update_log"
        die "updating $tpl (log: $update_log); make bench-clean rebuilds it"
    fi
    db_set_param "$tpl" ar_bench.addon_hash "$hash"
fi

db_drop "$bench"
createdb -T "$tpl" "$bench"
if [ -d "$BUILD/data/filestore/$tpl" ]; then
    cp -a "$BUILD/data/filestore/$tpl" "$BUILD/data/filestore/$bench"
fi
log "bench on $bench (copy of $tpl)"

#!/usr/bin/env bash
# The bench databases. The generated data lives in a template database
# ${DB_BENCH}_tpl_<invoices>_<customers>, built once per size (tools/bench_data.py);
# each bench copies it to $DB_BENCH (createdb -T), so that every run starts from the
# same state. When ar_collections changes (a hash of its files), the template is
# updated (-u ar_collections) once.
#
#   tools/bench_db.sh          (re)create $DB_BENCH from the template
#   tools/bench_db.sh bench    make bench: for each size of BENCH_SIZES ("10000/1000
#                              100000/10000"; default BENCH_INVOICES/BENCH_CUSTOMERS),
#                              tools/bench.py on a fresh copy with HTML e-mails, again
#                              with the statement PDF on every e-mail (BENCH_PDF=0:
#                              not), tools/bench_queue.sh when it exists (the queue_job
#                              run over two servers), then the table of tools/bench_report.py
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

if [ "${1:-}" = bench ]; then
    results="$BUILD/bench-results.jsonl"
    : > "$results"
    for size in ${BENCH_SIZES:-$BENCH_INVOICES/$BENCH_CUSTOMERS}; do
        export BENCH_INVOICES="${size%/*}" BENCH_CUSTOMERS="${size#*/}"
        modes=html
        [ "${BENCH_PDF:-1}" = 0 ] || modes="html pdf"
        for mode in $modes; do
            "$0" || die "bench database for $size"
            log "bench $size, $mode e-mails"
            BENCH_MODE=$mode BENCH_RESULTS="$results" odoo_shell "$bench" tools/bench.py \
                || die "tools/bench.py ($size, $mode)"
        done
        # The queue_job figure (h7): tools/bench_queue.sh, on a fresh copy $DB_BENCH,
        # appends {"size", "mode": "queue", "label": "2 servers", "seconds"} to
        # $BENCH_RESULTS, or nothing when queue_job is not installed.
        if [ -x tools/bench_queue.sh ]; then
            "$0" || die "bench database for $size"
            BENCH_RESULTS="$results" DB_BENCH="$bench" tools/bench_queue.sh \
                || log "tools/bench_queue.sh failed ($size)"
        fi
    done
    "${PYTHON:-python3}" tools/bench_report.py "$results"
    exit 0
fi

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

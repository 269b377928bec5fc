#!/usr/bin/env bash
# The collections run over two Odoo servers with queue_job, on the bench database
# $DB_BENCH (a fresh copy of the template; tools/bench_db.sh bench calls this for each
# size). Installs queue_job and ar_collections_queue into it, then runs
# tools/bench_queue.py (two servers with their job runners, the run, the jobs, the
# figures). Without queue_job in the virtualenv it says so and does nothing.
#
#   DB_BENCH=ar_bench tools/bench_queue.sh
#   BENCH_QUEUE_PORTS=8079,8080 BENCH_QUEUE_PROXY_PORT=8081 BENCH_QUEUE_CHANNELS=2
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

bench="${DB_BENCH:-ar_bench}"
if ! "$PY" -c 'import importlib.util as u, odoo.addons; assert u.find_spec("odoo.addons.queue_job")' 2> /dev/null; then
    echo "      2 servers: n/a (queue_job is not installed in $VENV: make venv)"
    exit 0
fi
db_exists "$bench" || die "no bench database $bench (tools/bench_db.sh)"
[ -f "$(conf_of "$bench")" ] || tools/odoo_conf.sh "$bench"
log "bench $bench: installing queue_job, ar_collections_queue"
install_log="$BUILD/install-queue-$bench.log"
if ! "${ODOO[@]}" -c "$(conf_of "$bench")" -d "$bench" -i queue_job,ar_collections_queue \
        --stop-after-init --no-http --log-level=warn > "$install_log" 2>&1 \
        || grep -qE "$LOG_ERRORS" "$install_log"; then
    grep -nE "$LOG_ERRORS" "$install_log" | head -40 || tail -40 "$install_log"
    die "installing queue_job in $bench (log: $install_log)"
fi
log "bench $bench: the run over two servers with queue_job"
BUILD="$BUILD" ODOO_SRC="$ODOO_SRC" "$PY" tools/bench_queue.py

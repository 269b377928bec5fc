#!/usr/bin/env bash
# A slice of Odoo's own tests (account: customer invoice onchanges, payment
# register, reconciliation, payments widget; sale: sale orders) run by odoo-bin on a
# database where our addons are installed, so that no control of ours breaks Odoo's
# behaviour. `make test` runs it last, on the test database (every Odoo test rolls
# back). The counts go to $RESULTS/host.json (kind `host`); any failure or error,
# or no test at all, fails.
#
#   tools/host_tests.sh DB         (HOST_TEST_TAGS=... replaces the selection)
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

db="${1:?usage: $0 DB}"
tags="${HOST_TEST_TAGS:-/account:TestAccountMoveOutInvoiceOnchanges,/account:TestAccountPaymentRegister,/account:TestAccountMoveReconcile,/account:TestAccountMovePaymentsWidget,/sale:TestSaleOrder,/sale:TestSaleOrderInvoicing,/sale:TestSalesTeam,/sale:TestSaleMailComposerUI}"
test_log="$BUILD/host-tests-$db.log"
mkdir -p "$RESULTS"
rm -f "$RESULTS/host.json"

log "Odoo's own tests on $db (log: $test_log): ${tags//,/ }"
tools/odoo_conf.sh "$db"
start=$(date +%s)
rc=0
"${ODOO[@]}" -c "$(conf_of "$db")" -d "$db" --test-tags "$tags" --stop-after-init \
    --http-port="$PORT" --log-level=info > "$test_log" 2>&1 || rc=$?
echo "   ran in $(($(date +%s) - start))s (odoo-bin exit $rc)"
"$PY" tools/host_test_result.py "$test_log" "$db" "$RESULTS/host.json" "$tags"

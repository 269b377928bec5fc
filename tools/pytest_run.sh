#!/usr/bin/env bash
# One group of this repository's tests under pytest, for `make test`: the counts by
# kind go to $RESULTS/GROUP.json (tests/conftest.py); nothing collected (pytest
# exit 5) is a failure.
#
#   tools/pytest_run.sh pure               tests/pure, without Odoo
#   tools/pytest_run.sh odoo DB            tests/odoo on DB, browser tests required
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

group="${1:?usage: $0 pure|odoo DB}"
mkdir -p "$RESULTS"
export AR_TEST_REPORT="$RESULTS/$group.json"
rm -f "$AR_TEST_REPORT"
case "$group" in
    pure)
        log "pure tests (tests/pure)"
        args=(-p no:odoo tests/pure)
        ;;
    odoo)
        db="${2:?usage: $0 odoo DB}"
        log "Odoo and browser tests (tests/odoo) on $db"
        tools/odoo_conf.sh "$db"
        # with --odoo-http, tests/odoo/conftest.py fails a skipped browser test, and
        # a session in which none ran
        args=(--odoo-config="$(conf_of "$db")" --odoo-database="$db" --odoo-http
            --odoo-log-level=warn tests/odoo)
        ;;
    *) die "usage: $0 pure|odoo DB" ;;
esac
rc=0
"$PY" -m pytest -p no:cacheprovider "${args[@]}" || rc=$?
[ "$rc" != 5 ] || die "no test collected in tests/$group"
exit "$rc"

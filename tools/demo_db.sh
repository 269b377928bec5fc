#!/usr/bin/env bash
# The demo database $DB_DEMO, built the first time only (`make drop-demo` throws it
# away): $DEMO_MODULES installed, the local mail catcher as its outgoing mail server
# (tools/demo_mail_server.py), then the demo data (tools/demo_data.py).
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

db="${DB_DEMO:-ar_demo}"
tools/odoo_conf.sh "$db"
if db_exists "$db"; then
    log "$db exists: reusing it (make drop-demo to rebuild it)"
    exit 0
fi
tools/odoo_install.sh "$db" "${DEMO_MODULES:-account,sale,ar_collections}"
log "outgoing mail of $db: the mail catcher on 127.0.0.1:$MAIL_PORT"
odoo_shell "$db" tools/demo_mail_server.py \
    || { db_drop "$db"; die "tools/demo_mail_server.py; dropped $db"; }
log "loading demo data (tools/demo_data.py) into $db"
odoo_shell "$db" tools/demo_data.py \
    || { db_drop "$db"; die "tools/demo_data.py; dropped $db"; }

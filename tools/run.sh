#!/usr/bin/env bash
# Serves the demo database $DB_DEMO on http://localhost:$PORT with the cron on, after
# starting the local mail catcher (its mail: $BUILD/mail/index.html) and, with
# UPDATE=1, updating ar_collections in it. tools/demo_db.sh builds the database.
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

db="${DB_DEMO:-ar_demo}"
conf="$(conf_of "$db")"
tools/odoo_conf.sh "$db"
"$PY" tools/mail_catcher.py start --port "$MAIL_PORT" --dir "$BUILD/mail"
server="$(sql "$db" "update ir_mail_server set smtp_port = $MAIL_PORT
                     where name = 'Local mail catcher (make run)' returning id")"
[ -n "$server" ] \
    || echo "   note: $db has no 'Local mail catcher' mail server (built before it existed: make drop-demo rebuilds it)"
if [ -n "${UPDATE:-}" ]; then
    "${ODOO[@]}" -c "$conf" -d "$db" -u ar_collections --stop-after-init --no-http
fi
log "serving $db on http://localhost:$PORT (login admin / admin; collector1 / collector1)"
log "mail sent by Odoo: $BUILD/mail/index.html (make stop stops the mail catcher and the local PostgreSQL, if any)"
exec "${ODOO[@]}" -c "$conf" -d "$db" --http-port="$PORT" --max-cron-threads=1

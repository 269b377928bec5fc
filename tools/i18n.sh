#!/usr/bin/env bash
# The translation files of our addons, from Odoo's own export (the source of truth):
# updates the addons in DB (so that its data and views are the code's), exports each
# addon's template (odoo-bin --i18n-export with no --language gives the .pot) into
# ADDON/i18n/ADDON.pot, then merges it into ADDON/i18n/LANG.po for each language
# (msgmerge --no-fuzzy-matching: existing translations stay, a changed source string
# starts untranslated; obsolete entries are dropped; a missing .po is created). Every
# .po must pass msgfmt --check. Prints per file: translated / total.
#
#   tools/i18n.sh DB       (make i18n DB_I18N=DB; default $DB_TEST)
#
# DB must exist and have our addons installed (make test-db builds such a database:
# $DB_TEST). I18N_ADDONS (space-separated) chooses the addons, each of which must
# be installed in DB; by default, every addon of this repository installed in DB
# (the others are listed as skipped). I18N_LANGS: the languages.
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

db="${1:-}"
langs="${I18N_LANGS:-sv_SE nb_NO el_GR fr_FR}"
work="$BUILD/i18n"
needs="a database where our addons are installed (make test-db builds one: ${DB_TEST:-ar_test})"

[ -n "$db" ] || die "usage: tools/i18n.sh DB (make i18n DB_I18N=DB): it needs $needs"
check_odoo_src
for tool in msgmerge msginit msgattrib msgfmt; do
    command -v "$tool" >/dev/null \
        || die "$tool not found: the gettext tools are needed (apt-get install gettext)"
done
# odoo-bin would create a missing database: check first.
db_exists "$db" || die "database $db does not exist: make i18n needs $needs"
module_state() {
    sql "$db" "select state from ir_module_module where name = '$1'" 2>/dev/null || true
}
if [ -n "${I18N_ADDONS:-}" ]; then
    addons="$I18N_ADDONS"
else
    addons=""
    for manifest in */__manifest__.py; do
        addon="${manifest%%/*}"
        if [ "$(module_state "$addon")" = installed ]; then
            addons="$addons $addon"
        else
            echo "   skipped: $addon is not installed in $db (no .pot exported for it)"
        fi
    done
    addons="${addons# }"
    [ -n "$addons" ] || die "none of our addons is installed in $db: make i18n needs $needs"
fi
for addon in $addons; do
    [ -f "$addon/__manifest__.py" ] || die "$addon: no such addon in $ROOT (I18N_ADDONS)"
    state="$(module_state "$addon")"
    [ "$state" = installed ] \
        || die "$addon is not installed in $db (state: ${state:-unknown}): make i18n needs $needs"
done

mkdir -p "$work"
# the test database has the test addons on its path too (tools/odoo_conf.sh)
DB_TEST="$db" tools/odoo_conf.sh "$db" >/dev/null
conf="$(conf_of "$db")"

# 1. The database's records (mail templates, reports, views, fields) as in the code.
update_log="$work/update-$db.log"
log "updating ${addons// /,} in $db (log: $update_log)"
if ! "${ODOO[@]}" -c "$conf" -d "$db" -u "${addons// /,}" --stop-after-init --no-http \
        --log-level=info > "$update_log" 2>&1 || grep -qE "$LOG_ERRORS" "$update_log"; then
    grep -nE "$LOG_ERRORS" "$update_log" | head -40 || tail -40 "$update_log"
    die "odoo-bin -u ${addons// /,} on $db failed (log: $update_log)"
fi

for addon in $addons; do
    dir="$addon/i18n"
    pot="$dir/$addon.pot"
    export_log="$work/export-$addon.log"
    mkdir -p "$dir"
    # 2. Odoo's export; any error (a term it could not extract) fails the build.
    log "exporting $pot from $db"
    rm -f "$work/$addon.pot"
    if ! "${ODOO[@]}" -c "$conf" -d "$db" --i18n-export="$work/$addon.pot" \
            --modules="$addon" --no-http --log-level=info > "$export_log" 2>&1; then
        cat "$export_log"
        die "odoo-bin --i18n-export of $addon failed (log: $export_log)"
    fi
    if grep -qE ' ERROR | CRITICAL |Traceback' "$export_log"; then
        cat "$export_log"
        die "the export of $addon logged errors (terms missing from the .pot; log: $export_log)"
    fi
    grep -q '^msgid "[^"]' "$work/$addon.pot" \
        || die "the export of $addon has no term ($work/$addon.pot)"
    cp "$work/$addon.pot" "$pot"
    # 3. Each language: merge, drop what the code no longer has, check.
    for lang in $langs; do
        po="$dir/$lang.po"
        if [ -f "$po" ]; then
            msgmerge --quiet --no-fuzzy-matching --backup=none --update "$po" "$pot" \
                || die "msgmerge $po $pot failed"
        else
            msginit --no-translator --locale="$lang.UTF-8" --input="$pot" \
                --output-file="$po" 2>/dev/null || die "msginit $po failed"
            # Odoo's language code, and no made-up translator
            sed -i -e "s/^\"Language: .*\\\\n\"\$/\"Language: $lang\\\\n\"/" \
                -e 's/^"Last-Translator: .*\\n"$/"Last-Translator: \\n"/' \
                -e 's/^"Language-Team: .*\\n"$/"Language-Team: \\n"/' "$po"
        fi
        msgattrib --no-obsolete --output-file="$po.tmp" "$po" \
            && mv "$po.tmp" "$po" || die "msgattrib --no-obsolete $po failed"
        msgfmt --check --output-file=/dev/null "$po" || die "msgfmt --check $po failed"
        # "N translated messages[, F fuzzy translations][, U untranslated messages]."
        stats="$(LC_ALL=C msgfmt --statistics --output-file=/dev/null "$po" 2>&1)"
        translated="$(grep -oE '^[0-9]+ translated' <<<"$stats" | grep -oE '[0-9]+' || echo 0)"
        total="$translated"
        for count in $(grep -oE '[0-9]+ (fuzzy|untranslated)' <<<"$stats" | grep -oE '^[0-9]+'); do
            total=$((total + count))
        done
        echo "   $po: $translated / $total terms translated"
    done
done

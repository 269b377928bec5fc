import base64
import binascii
import csv
import io
import math

from odoo import _, fields, models
from odoo.exceptions import UserError

REQUIRED_COLUMNS = ("case_reference", "status", "amount_collected")
# An agency's update file is a few hundred rows: refuse anything much larger.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10000


class ArAgencyImportWizard(models.TransientModel):
    """Import an agency's CSV of case updates.

    Columns: ``case_reference`` (ours or the agency's), ``status``,
    ``amount_collected`` (total collected so far, empty: unchanged) and an optional
    ``note``. Every row is checked first; one bad row and nothing is changed, the
    error lists every bad row with its line number and what is wrong. At most 2 MB
    and 10,000 rows per file.
    """

    _name = "ar.agency.import.wizard"
    _description = "Import agency updates"

    file = fields.Binary(string="CSV file", required=True)
    filename = fields.Char()

    def _read_rows(self):
        # Checked before decoding: base64 takes 4 characters for 3 bytes.
        if len(self.file or b"") * 3 // 4 > MAX_FILE_BYTES + 3:
            raise UserError(
                _(
                    "The file is %(size)s MB; at most %(limit)s MB can be imported at "
                    "once. Nothing was imported: split the file.",
                    size=round(len(self.file) * 3 / 4 / 1024 / 1024, 1),
                    limit=MAX_FILE_BYTES // (1024 * 1024),
                )
            )
        try:
            text = base64.b64decode(self.file).decode("utf-8-sig")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise UserError(
                _("The file is not a UTF-8 CSV file: %(error)s", error=error)
            ) from error
        try:
            dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
        header = [(name or "").strip().lower() for name in reader.fieldnames or []]
        missing = [col for col in REQUIRED_COLUMNS if col not in header]
        if missing:
            raise UserError(
                _(
                    "The file misses the column(s) %(missing)s; expected "
                    "case_reference, status, amount_collected and optionally note.",
                    missing=", ".join(missing),
                )
            )
        reader.fieldnames = header
        # Line 1 is the header: data rows start at line 2.
        rows = []
        for line, row in enumerate(reader, start=2):
            if len(rows) >= MAX_ROWS:
                raise UserError(
                    _(
                        "The file has more than %(limit)s rows; nothing was "
                        "imported: split the file.",
                        limit=MAX_ROWS,
                    )
                )
            rows.append(
                (
                    line,
                    {
                        k: (v if isinstance(v, str) else "").strip()
                        for k, v in row.items()
                        if k
                    },
                )
            )
        return rows

    def _parse_rows(self, rows):
        """[(line, referral, status, amount, note)] and the problems found."""
        Referral = self.env["ar.agency.referral"]
        found = Referral._find_by_case_reference(
            [row["case_reference"] for _l, row in rows]
        )
        parsed, problems, seen = [], [], {}
        for line, row in rows:
            reference = row["case_reference"]
            referral = found.get(reference, Referral)
            status = row["status"].lower().replace(" ", "_")
            amount = None
            row_problems = []
            if row["amount_collected"]:
                try:
                    amount = float(row["amount_collected"].replace(",", "."))
                except ValueError:
                    row_problems.append(
                        _(
                            "amount '%(value)s' is not a number",
                            value=row["amount_collected"],
                        )
                    )
                else:
                    if not math.isfinite(amount):
                        row_problems.append(
                            _(
                                "amount '%(value)s' is not a finite number",
                                value=row["amount_collected"],
                            )
                        )
                        amount = None
            if not reference:
                row_problems.append(_("no case reference"))
            else:
                row_problems += Referral._validate_agency_update(
                    referral, status, amount
                )
            if referral and referral.id in seen:
                row_problems.append(
                    _(
                        "case %(name)s already updated on line %(line)s",
                        name=referral.name,
                        line=seen[referral.id],
                    )
                )
            if referral:
                seen.setdefault(referral.id, line)
            if row_problems:
                problems.append(
                    _(
                        "Line %(line)s (%(reference)s): %(problems)s",
                        line=line,
                        reference=reference or "-",
                        problems="; ".join(row_problems),
                    )
                )
            else:
                parsed.append((line, referral, status, amount, row.get("note")))
        return parsed, problems

    def action_import(self):
        self.ensure_one()
        rows = self._read_rows()
        if not rows:
            raise UserError(_("The file has no rows."))
        parsed, problems = self._parse_rows(rows)
        if problems:
            raise UserError(
                _(
                    "Nothing was imported: %(count)s bad row(s).\n%(problems)s",
                    count=len(problems),
                    problems="\n".join(problems),
                )
            )
        for _line, referral, status, amount, note in parsed:
            referral._apply_agency_update(status, amount, note=note, source="import")
        referrals = self.env["ar.agency.referral"].union(*(p[1] for p in parsed))
        return {
            "type": "ir.actions.act_window",
            "name": _("Imported updates"),
            "res_model": "ar.agency.referral",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", referrals.ids)],
        }

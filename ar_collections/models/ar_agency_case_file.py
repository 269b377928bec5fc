import base64
import csv
import io

from dateutil.relativedelta import relativedelta

from odoo import Command, _, fields, models

# A spreadsheet reads a cell starting with one of these as a formula (OWASP, CSV
# injection): such text gets a leading apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """``value`` as a CSV cell that no spreadsheet evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _SafeCsvWriter:
    """csv.writer whose text cells are made safe with ``csv_safe``."""

    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row):
        return self._writer.writerow([csv_safe(value) for value in row])


class ArAgencyCaseFile(models.Model):
    """The case file sent to the agency: PDF summary, CSV and XLSX exports."""

    _inherit = "ar.agency.referral"

    def _send_case_file(self):
        """Build the case file and e-mail it to the agency (logged in the chatter)."""
        self.ensure_one()
        attachments = self._generate_case_file()
        template = self.env.ref("ar_collections.mail_template_agency_referral")
        self.message_post_with_source(
            template,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=attachments.ids,
        )

    # Case file -----------------------------------------------------------------------

    def _case_file_data(self):
        """Everything the agency needs, as plain values (PDF, CSV and XLSX share it)."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        contacts = partner.child_ids.filtered(lambda c: c.type != "private")
        types = dict(partner._fields["type"]._description_selection(self.env))
        invoices = [
            {
                "number": line.move_id.name,
                "invoice_date": line.move_id.invoice_date,
                "due_date": line.move_id.invoice_date_due,
                "days_late": line.move_id.collection_days_late,
                "currency": line.move_id.currency_id.name,
                "amount_total": line.move_id.amount_total,
                "amount_residual": line.move_id.amount_residual,
                "amount_referred": line.amount_referred,
                "reference": line.move_id.ref or line.move_id.payment_reference or "",
            }
            for line in self.line_ids.sorted(lambda ln: ln.move_id.invoice_date_due)
        ]
        since = fields.Date.context_today(self) - relativedelta(months=24)
        payments = self.env["account.payment"].search(
            [
                ("partner_id", "in", (partner | partner.child_ids).ids),
                ("partner_type", "=", "customer"),
                ("payment_type", "=", "inbound"),
                ("state", "not in", ("draft", "canceled")),
                ("company_id", "=", self.company_id.id),
                ("date", ">=", since),
            ],
            order="date desc, id desc",
        )
        payment_rows = [
            {
                "date": payment.date,
                "reference": payment.name or "",
                "memo": payment.memo or "",
                "currency": payment.currency_id.name,
                "amount": payment.amount,
                "invoices": ", ".join(payment.reconciled_invoice_ids.mapped("name")),
            }
            for payment in payments
        ]
        return {
            "referral": self,
            "debtor": {
                "name": partner.name,
                "vat": partner.vat or "",
                "company_registry": partner.company_registry or "",
                "address": partner._display_address(without_company=True).replace(
                    "\n", ", "
                ),
                "country": partner.country_id.name or "",
                "email": partner.email or "",
                "phone": partner.phone or partner.mobile or "",
            },
            "addresses": [
                {
                    "type": types.get(c.type, c.type),
                    "name": c.name or "",
                    "address": c._display_address(without_company=True).replace(
                        "\n", ", "
                    ),
                    "email": c.email or "",
                    "phone": c.phone or c.mobile or "",
                    "function": c.function or "",
                }
                for c in contacts
            ],
            "invoices": invoices,
            "payments": payment_rows,
            "history": self._contact_history(partner),
        }

    def _contact_history(self, partner):
        """Collection events, logged contacts, promises and disputes, newest first."""
        rows = []
        events = self.env["ar.collection.event"].search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", self.company_id.id),
                ("state", "=", "done"),
            ]
        )
        for event in events:
            rows.append(
                {
                    "date": event.date,
                    "kind": _("Collection step"),
                    "what": f"{event.step_code} ({event.action_kind or ''})",
                    "invoices": event.move_id.name or "",
                    "detail": event.result or "",
                }
            )
        if "ar.collection.contact" in self.env:
            for contact in self.env["ar.collection.contact"].search(
                [("partner_id", "=", partner.id)]
            ):
                rows.append(
                    {
                        "date": contact.date,
                        "kind": _("Contact"),
                        "what": contact._fields["channel"].convert_to_export(
                            contact.channel, contact
                        )
                        + " / "
                        + contact._fields["outcome"].convert_to_export(
                            contact.outcome, contact
                        ),
                        "invoices": ", ".join(contact.move_ids.mapped("name")),
                        "detail": contact.note or "",
                    }
                )
        if "ar.collection.promise" in self.env:
            for promise in self.env["ar.collection.promise"].search(
                [("partner_id", "=", partner.id)]
            ):
                rows.append(
                    {
                        "date": promise.date_start or promise.date,
                        "kind": _("Promise to pay"),
                        "what": _(
                            "%(amount)s for %(date)s: %(state)s",
                            amount=promise.amount,
                            date=promise.date,
                            state=promise._fields["state"].convert_to_export(
                                promise.state, promise
                            ),
                        ),
                        "invoices": ", ".join(promise.move_ids.mapped("name")),
                        "detail": promise.note or "",
                    }
                )
        if "ar.collection.dispute" in self.env:
            for dispute in self.env["ar.collection.dispute"].search(
                [("partner_id", "=", partner.id)]
            ):
                rows.append(
                    {
                        "date": dispute.date_open,
                        "kind": _("Dispute"),
                        "what": _(
                            "%(reason)s: %(state)s",
                            reason=dispute._fields["reason"].convert_to_export(
                                dispute.reason, dispute
                            ),
                            state=dispute._fields["state"].convert_to_export(
                                dispute.state, dispute
                            ),
                        ),
                        "invoices": ", ".join(dispute.move_ids.mapped("name")),
                        "detail": dispute.description or "",
                    }
                )
        rows.sort(key=lambda row: row["date"] or fields.Date.today(), reverse=True)
        return rows

    def _case_file_csv(self, data):
        """Two CSV files: the invoices (debtor columns repeated) and the history."""
        debtor = data["debtor"]
        invoices = io.StringIO()
        writer = _SafeCsvWriter(invoices)
        writer.writerow(
            [
                "case_reference",
                "debtor_name",
                "vat",
                "company_registry",
                "address",
                "country",
                "email",
                "phone",
                "invoice_number",
                "reference",
                "invoice_date",
                "due_date",
                "days_late",
                "currency",
                "amount_total",
                "amount_residual",
                "amount_referred",
            ]
        )
        for invoice in data["invoices"]:
            writer.writerow(
                [
                    self.name,
                    debtor["name"],
                    debtor["vat"],
                    debtor["company_registry"],
                    debtor["address"],
                    debtor["country"],
                    debtor["email"],
                    debtor["phone"],
                    invoice["number"],
                    invoice["reference"],
                    invoice["invoice_date"],
                    invoice["due_date"],
                    invoice["days_late"],
                    invoice["currency"],
                    invoice["amount_total"],
                    invoice["amount_residual"],
                    invoice["amount_referred"],
                ]
            )
        history = io.StringIO()
        writer = _SafeCsvWriter(history)
        writer.writerow(
            ["case_reference", "date", "type", "what", "invoices", "amount", "detail"]
        )
        for payment in data["payments"]:
            writer.writerow(
                [
                    self.name,
                    payment["date"],
                    "payment",
                    payment["reference"],
                    payment["invoices"],
                    payment["amount"],
                    payment["memo"],
                ]
            )
        for row in data["history"]:
            writer.writerow(
                [
                    self.name,
                    row["date"],
                    row["kind"],
                    row["what"],
                    row["invoices"],
                    "",
                    row["detail"],
                ]
            )
        return invoices.getvalue(), history.getvalue()

    def _case_file_xlsx(self, data):
        import xlsxwriter

        output = io.BytesIO()
        # Customer text is never a formula, a link or a number: cells are typed by
        # their Python value, and text is written as text.
        workbook = xlsxwriter.Workbook(
            output,
            {
                "in_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})

        def sheet(name, header, rows):
            worksheet = workbook.add_worksheet(name)
            worksheet.write_row(0, 0, header, bold)
            for row_index, row in enumerate(rows, start=1):
                for col, value in enumerate(row):
                    if hasattr(value, "isoformat"):
                        worksheet.write_datetime(
                            row_index,
                            col,
                            fields.Datetime.to_datetime(value),
                            date_format,
                        )
                    elif isinstance(value, bool) or value is None:
                        worksheet.write_blank(row_index, col, None)
                    elif isinstance(value, int | float):
                        worksheet.write_number(row_index, col, value)
                    else:
                        worksheet.write_string(row_index, col, str(value))
            worksheet.set_column(0, len(header) - 1, 18)

        debtor = data["debtor"]
        sheet(
            "Debtor",
            ["Field", "Value"],
            [
                ["Case reference", self.name],
                ["Legal name", debtor["name"]],
                ["VAT", debtor["vat"]],
                ["Company registry", debtor["company_registry"]],
                ["Address", debtor["address"]],
                ["Country", debtor["country"]],
                ["E-mail", debtor["email"]],
                ["Phone", debtor["phone"]],
                ["Amount referred", self.amount_referred],
                ["Currency", self.currency_id.name],
            ]
            + [
                [
                    f"Contact: {c['type']}",
                    f"{c['name']} {c['address']} {c['email']} {c['phone']}".strip(),
                ]
                for c in data["addresses"]
            ],
        )
        sheet(
            "Invoices",
            [
                "Invoice",
                "Reference",
                "Invoice date",
                "Due date",
                "Days late",
                "Currency",
                "Total",
                "Residual",
                "Referred",
            ],
            [
                [
                    i["number"],
                    i["reference"],
                    i["invoice_date"],
                    i["due_date"],
                    i["days_late"],
                    i["currency"],
                    i["amount_total"],
                    i["amount_residual"],
                    i["amount_referred"],
                ]
                for i in data["invoices"]
            ],
        )
        sheet(
            "Payments",
            ["Date", "Payment", "Memo", "Currency", "Amount", "Invoices"],
            [
                [
                    p["date"],
                    p["reference"],
                    p["memo"],
                    p["currency"],
                    p["amount"],
                    p["invoices"],
                ]
                for p in data["payments"]
            ],
        )
        sheet(
            "Contact history",
            ["Date", "Type", "What", "Invoices", "Detail"],
            [
                [h["date"], h["kind"], h["what"], h["invoices"], h["detail"]]
                for h in data["history"]
            ],
        )
        workbook.close()
        return output.getvalue()

    def _generate_case_file(self):
        """Case-file attachments on the referral: PDF summary, CSV/XLSX per the
        agency's format, and the invoice PDFs (Odoo's own invoice report)."""
        self.ensure_one()
        data = self._case_file_data()
        file_format = self.agency_id.agency_case_file_format or "csv_xlsx"
        Attachment = self.env["ir.attachment"]
        vals_list = []
        summary = self.env["ir.actions.report"]._render_qweb_pdf(
            "ar_collections.action_report_agency_case_file", self.ids
        )[0]
        vals_list.append((f"{self.name} case file.pdf", summary, "application/pdf"))
        if file_format in ("csv", "csv_xlsx"):
            invoices_csv, history_csv = self._case_file_csv(data)
            vals_list.append(
                (f"{self.name} invoices.csv", invoices_csv.encode(), "text/csv")
            )
            vals_list.append(
                (f"{self.name} history.csv", history_csv.encode(), "text/csv")
            )
        if file_format in ("xlsx", "csv_xlsx"):
            vals_list.append(
                (
                    f"{self.name} case file.xlsx",
                    self._case_file_xlsx(data),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
            )
        invoice_pdfs = self.env["ir.actions.report"]._ar_render_pdfs(
            "account.account_invoices", self.move_ids.ids
        )
        for move in self.move_ids:
            vals_list.append(
                (
                    f"{move.name.replace('/', '_')}.pdf",
                    invoice_pdfs[move.id],
                    "application/pdf",
                )
            )
        attachments = Attachment.create(
            [
                {
                    "name": name,
                    "datas": base64.b64encode(content),
                    "mimetype": mimetype,
                    "res_model": self._name,
                    "res_id": self.id,
                }
                for name, content, mimetype in vals_list
            ]
        )
        self._transition({"attachment_ids": [Command.link(a.id) for a in attachments]})
        return attachments

    def action_generate_case_file(self):
        """Build the case file again (e.g. to download it); nothing is sent."""
        self.ensure_one()
        self._generate_case_file()
        return True

    def action_print_case_file(self):
        report = self.env.ref("ar_collections.action_report_agency_case_file")
        return report.report_action(self)

from collections import defaultdict

from odoo import api, fields, models

from ..models.ar_collection_notice_format import NoticeFormatter
from .ar_collection_ageing import AGEING_BUCKETS, bucket_of


class ReportCustomerStatement(models.AbstractModel):
    """Values of the customer statement of open items (PDF).

    Open items are the customer's posted invoices and credit notes not fully paid, in
    the current company, amounts in company currency (credit notes negative), so the
    lines add up to the total due. One search for all the customers printed.
    """

    _name = "report.ar_collections.report_customer_statement"
    _description = "Customer statement of open items"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids)
        today = fields.Date.context_today(self)
        company = self.env.company
        commercial = partners.commercial_partner_id
        moves = self.env["account.move"].search(
            [
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("company_id", "=", company.id),
                ("commercial_partner_id", "in", commercial.ids),
            ],
            order="invoice_date_due, invoice_date, id",
        )
        lines = defaultdict(list)
        for move in moves:
            due = move.invoice_date_due or move.invoice_date
            days_late = max((today - due).days, 0) if due else 0
            lines[move.commercial_partner_id.id].append(
                {
                    "move": move,
                    "date_due": due,
                    "amount": move.amount_total_signed,
                    "residual": move.amount_residual_signed,
                    "days_late": days_late if move.move_type == "out_invoice" else 0,
                    "bucket": bucket_of((today - due).days) if due else "not_due",
                }
            )
        # the ageing headers in each customer's language (the report is in theirs)
        bucket_labels = {}
        for lang in set(partners.mapped("lang")):
            ageing = self.env["ar.collection.ageing"].with_context(
                lang=lang or self.env.lang
            )
            labels = dict(ageing._fields["bucket"]._description_selection(ageing.env))
            bucket_labels[lang] = [(key, labels[key]) for key, _label in AGEING_BUCKETS]
        statements = {}
        for partner in partners:
            partner_lines = lines[partner.commercial_partner_id.id]
            ageing = dict.fromkeys((key for key, _label in AGEING_BUCKETS), 0.0)
            for line in partner_lines:
                ageing[line["bucket"]] += line["residual"]
            statements[partner.id] = {
                "lines": partner_lines,
                "ageing": ageing,
                "total": sum(line["residual"] for line in partner_lines),
                "buckets": bucket_labels[partner.lang],
            }
        # each statement renders in its customer's language (t-lang="partner.lang"):
        # its dates and amounts too, the language looked up once per language
        formatters = {
            lang: NoticeFormatter(self.with_context(lang=lang).env)
            for lang in set(partners.mapped("lang"))
        }
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            "currency": company.currency_id,
            "today": today,
            "buckets": AGEING_BUCKETS,
            "statements": statements,
            "formatters": formatters,
        }

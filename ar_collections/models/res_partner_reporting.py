from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

# Days of difference in average lateness below which the payment trend is "stable".
PAYMENT_TREND_TOLERANCE = 2


class ResPartner(models.Model):
    """Reporting on a customer: payment history and statement of open items."""

    _inherit = "res.partner"

    collection_avg_days_late = fields.Float(
        string="Average days late (12 months)",
        compute="_compute_collection_payment_history",
        digits=(16, 1),
        help="Over the invoices fully paid in the last 12 months: days between the "
        "due date and the last payment (0 when paid on time), weighted by amount.",
    )
    collection_avg_days_late_previous = fields.Float(
        string="Average days late (previous 12 months)",
        compute="_compute_collection_payment_history",
        digits=(16, 1),
    )
    collection_paid_invoice_count = fields.Integer(
        string="Invoices paid (12 months)",
        compute="_compute_collection_payment_history",
    )
    collection_payment_trend = fields.Selection(
        [("better", "Improving"), ("stable", "Stable"), ("worse", "Worsening")],
        string="Payment trend",
        compute="_compute_collection_payment_history",
        help="The last 12 months against the 12 before: more than "
        f"{PAYMENT_TREND_TOLERANCE} days earlier is improving, later is worsening.",
    )

    @api.depends_context("company")
    def _compute_collection_payment_history(self):
        """Average days late over the last 12 months and the 12 before, one query.

        An invoice counts in the window in which it was fully paid, on the date of
        the last payment reconciled with it (``account.partial.reconcile.max_date``).
        Invoices of the current company, amounts in company currency.
        """
        today = fields.Date.context_today(self)
        start = today - relativedelta(months=12)
        commercial_ids = tuple(pid for pid in self.commercial_partner_id.ids if pid)
        figures = {}
        if commercial_ids:
            self.env["account.move"].flush_model(
                [
                    "move_type",
                    "state",
                    "payment_state",
                    "commercial_partner_id",
                    "company_id",
                    "invoice_date_due",
                    "amount_total_signed",
                ]
            )
            self.env["account.move.line"].flush_model(["move_id", "account_id"])
            self.env["account.partial.reconcile"].flush_model(
                ["debit_move_id", "max_date"]
            )
            self.env.cr.execute(
                SQL(
                    """
                    WITH paid AS (
                        SELECT move.commercial_partner_id AS partner_id,
                               move.amount_total_signed AS amount,
                               MAX(part.max_date) AS paid_on,
                               GREATEST(MAX(part.max_date) - move.invoice_date_due, 0)
                                   AS days_late
                          FROM account_move move
                          JOIN account_move_line line ON line.move_id = move.id
                          JOIN account_account account
                            ON account.id = line.account_id
                           AND account.account_type = 'asset_receivable'
                          JOIN account_partial_reconcile part
                            ON part.debit_move_id = line.id
                         WHERE move.move_type = 'out_invoice'
                           AND move.state = 'posted'
                           AND move.payment_state IN ('paid', 'in_payment')
                           AND move.invoice_date_due IS NOT NULL
                           AND move.company_id = %(company)s
                           AND move.commercial_partner_id IN %(partners)s
                         GROUP BY move.id
                        HAVING MAX(part.max_date) > %(previous_start)s
                           AND MAX(part.max_date) <= %(today)s
                    )
                    SELECT partner_id,
                           paid_on > %(start)s AS recent,
                           SUM(amount * days_late) / NULLIF(SUM(amount), 0),
                           COUNT(*)
                      FROM paid
                     GROUP BY 1, 2
                    """,
                    company=self.env.company.id,
                    partners=commercial_ids,
                    previous_start=today - relativedelta(months=24),
                    start=start,
                    today=today,
                )
            )
            for partner_id, recent, average, count in self.env.cr.fetchall():
                figures[partner_id, recent] = (average or 0.0, count)
        for partner in self:
            commercial = partner.commercial_partner_id.id
            recent, recent_count = figures.get((commercial, True), (0.0, 0))
            previous, previous_count = figures.get((commercial, False), (0.0, 0))
            partner.collection_avg_days_late = recent
            partner.collection_avg_days_late_previous = previous
            partner.collection_paid_invoice_count = recent_count
            if not recent_count or not previous_count:
                partner.collection_payment_trend = False
            elif recent < previous - PAYMENT_TREND_TOLERANCE:
                partner.collection_payment_trend = "better"
            elif recent > previous + PAYMENT_TREND_TOLERANCE:
                partner.collection_payment_trend = "worse"
            else:
                partner.collection_payment_trend = "stable"

    def action_print_collection_statement(self):
        """The statement of open items of the customer (PDF)."""
        return self.env.ref(
            "ar_collections.action_report_customer_statement"
        ).report_action(self.commercial_partner_id)

    def _ar_statement_attachments(self, company, meanwhile=None):
        """Render the statement of each customer in one go: {partner_id: attachment}.

        Used by the ladder e-mails (``attach_statement: true``); ``meanwhile``: see
        ``ir.actions.report._ar_render_pdfs``.
        """
        report = self.env.ref("ar_collections.action_report_customer_statement")
        partners = self.with_company(company)
        pdfs = (
            self.env["ir.actions.report"]
            .with_company(company)
            ._ar_render_pdfs(report, partners.ids, meanwhile=meanwhile)
        )
        today = fields.Date.context_today(self)
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": self.env._(
                        "Statement %(partner)s %(date)s.pdf",
                        partner=partner.name,
                        date=today,
                    ),
                    "raw": pdfs[partner.id],
                    "mimetype": "application/pdf",
                    "res_model": "res.partner",
                    "res_id": partner.id,
                }
                for partner in partners
            ]
        )
        return dict(zip(partners.ids, attachments, strict=True))

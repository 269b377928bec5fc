from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    sale_overdue_amount = fields.Monetary(
        string="Overdue receivables",
        compute="_compute_sale_overdue_amount",
        currency_field="collection_currency_id",
        help="What the customer owes overdue in the current company, all invoices "
        "counted (shown read-only to salespeople).",
    )

    @api.depends_context("company")
    def _compute_sale_overdue_amount(self):
        overdue = self._ar_sale_overdue_by_partner(
            self.commercial_partner_id, self.env.company
        )
        company_id = self.env.company.id
        for partner in self:
            partner.sale_overdue_amount = overdue.get(
                (partner.commercial_partner_id.id, company_id), 0.0
            )

    @api.model
    def _ar_sale_overdue_by_partner(self, partners, companies):
        """{(commercial partner id, company id): overdue amount in company currency}.

        sudo: salespeople must see the total a customer owes overdue (the collection
        status of their customers, read-only) while the sale record rules let them read
        only their own invoices; only this sum is exposed.
        """
        partner_ids = [pid for pid in partners.ids if pid]
        company_ids = [cid for cid in companies.ids if cid]
        if not partner_ids or not company_ids:
            return {}
        moves = self.env["account.move"].sudo()
        groups = moves._read_group(
            moves._ar_open_invoice_domain()
            + [
                ("commercial_partner_id", "in", partner_ids),
                ("company_id", "in", company_ids),
                ("invoice_date_due", "<", fields.Date.context_today(self)),
            ],
            ["commercial_partner_id", "company_id"],
            ["amount_residual_signed:sum"],
        )
        return {(partner.id, company.id): amount for partner, company, amount in groups}

from odoo import _, api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ar_credit_hold_id = fields.Many2one(
        "ar.credit.hold",
        string="Customer credit hold",
        compute="_compute_ar_collection_status",
        help="The active credit hold of the customer in the order's company.",
    )
    ar_credit_hold = fields.Boolean(
        string="On credit hold", compute="_compute_ar_collection_status"
    )
    ar_credit_hold_reason = fields.Char(
        string="Credit hold reason", compute="_compute_ar_collection_status"
    )
    ar_credit_hold_date = fields.Date(
        string="On credit hold since", compute="_compute_ar_collection_status"
    )
    ar_collection_stage_id = fields.Many2one(
        "ar.collection.stage",
        string="Collection stage",
        compute="_compute_ar_collection_status",
    )
    ar_overdue_amount = fields.Monetary(
        string="Customer overdue",
        compute="_compute_ar_collection_status",
        currency_field="ar_company_currency_id",
    )
    ar_company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company currency"
    )

    @api.depends("partner_id", "company_id")
    def _compute_ar_collection_status(self):
        partners = self.partner_id.commercial_partner_id
        holds = self.env["ar.credit.hold"]._active_by_key(partners, self.company_id)
        overdue = self.env["res.partner"]._ar_sale_overdue_by_partner(
            partners, self.company_id
        )
        for order in self:
            key = (order.partner_id.commercial_partner_id.id, order.company_id.id)
            hold = holds.get(key) or self.env["ar.credit.hold"]
            order.ar_credit_hold_id = hold
            order.ar_credit_hold = bool(hold)
            order.ar_credit_hold_reason = hold.reason
            order.ar_credit_hold_date = hold.date
            order.ar_collection_stage_id = (
                order.partner_id.commercial_partner_id.collection_stage_id
            )
            order.ar_overdue_amount = overdue.get(key, 0.0)

    def action_confirm(self):
        """Refuse quotations of customers on credit hold (server side)."""
        self.env["ar.credit.hold"]._enforce(
            self,
            lambda order: order.partner_id.commercial_partner_id,
            lambda order: order.company_id,
            _("confirm this quotation"),
        )
        return super().action_confirm()

    def action_ar_credit_hold_override(self):
        return self.env["ar.credit.hold.override.wizard"]._open_for(self)

    def _ar_credit_hold_proceed(self):
        """What the override wizard goes ahead with: confirming."""
        return self.action_confirm()

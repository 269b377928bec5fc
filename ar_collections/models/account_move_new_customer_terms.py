from odoo import api, models


class AccountMove(models.Model):
    """New customers' invoices get the company's payment term for new customers."""

    _name = "account.move"
    _inherit = ["account.move", "ar.new.customer.terms.mixin"]

    _ar_terms_field = "invoice_payment_term_id"

    def _ar_terms_record_applies(self):
        self.ensure_one()
        return self.move_type == "out_invoice" and self.state == "draft"

    @api.depends("partner_id")
    def _compute_invoice_payment_term_id(self):
        result = super()._compute_invoice_payment_term_id()
        self._ar_apply_new_customer_terms()
        return result

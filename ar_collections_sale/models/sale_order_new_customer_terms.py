from odoo import api, models


class SaleOrder(models.Model):
    """New customers' quotations get the company's payment term for new customers."""

    _name = "sale.order"
    _inherit = ["sale.order", "ar.new.customer.terms.mixin"]

    _ar_terms_field = "payment_term_id"

    def _ar_terms_record_applies(self):
        self.ensure_one()
        return self.state in ("draft", "sent")

    @api.depends("partner_id")
    def _compute_payment_term_id(self):
        result = super()._compute_payment_term_id()
        self._ar_apply_new_customer_terms()
        return result

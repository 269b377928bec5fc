from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    ar_new_customer_payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Payment term for new customers",
        help="Given to customers with no paid invoice yet on their new invoices and "
        "quotations; only users of 'May set payment terms for new customers' or "
        "collections managers may choose another. Empty: no rule.",
    )

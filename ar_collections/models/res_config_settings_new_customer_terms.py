from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ar_new_customer_payment_term_id = fields.Many2one(
        related="company_id.ar_new_customer_payment_term_id", readonly=False
    )

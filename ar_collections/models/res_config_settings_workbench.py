from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ar_customer_hours_from = fields.Float(
        related="company_id.ar_customer_hours_from", readonly=False
    )
    ar_customer_hours_to = fields.Float(
        related="company_id.ar_customer_hours_to", readonly=False
    )
    ar_cost_email = fields.Monetary(related="company_id.ar_cost_email", readonly=False)
    ar_cost_letter = fields.Monetary(
        related="company_id.ar_cost_letter", readonly=False
    )
    ar_cost_call = fields.Monetary(related="company_id.ar_cost_call", readonly=False)

from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ar_default_ladder_id = fields.Many2one(
        related="company_id.ar_default_ladder_id", readonly=False
    )

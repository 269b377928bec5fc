from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ar_default_ladder_id = fields.Many2one(
        related="company_id.ar_default_ladder_id", readonly=False
    )
    ar_priority_weight_amount = fields.Float(
        related="company_id.ar_priority_weight_amount", readonly=False
    )
    ar_priority_weight_age = fields.Float(
        related="company_id.ar_priority_weight_age", readonly=False
    )
    ar_write_off_policy = fields.Text(
        related="company_id.ar_write_off_policy", readonly=False
    )
    ar_bad_debt_account_id = fields.Many2one(
        related="company_id.ar_bad_debt_account_id", readonly=False
    )
    ar_default_agency_id = fields.Many2one(
        related="company_id.ar_default_agency_id", readonly=False
    )
    ar_agency_manager_id = fields.Many2one(
        related="company_id.ar_agency_manager_id", readonly=False
    )
    ar_legal_user_id = fields.Many2one(
        related="company_id.ar_legal_user_id", readonly=False
    )
    ar_agency_commission_account_id = fields.Many2one(
        related="company_id.ar_agency_commission_account_id", readonly=False
    )

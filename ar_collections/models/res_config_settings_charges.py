from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ar_charge_journal_id = fields.Many2one(
        related="company_id.ar_charge_journal_id", readonly=False
    )
    ar_fee_product_id = fields.Many2one(
        related="company_id.ar_fee_product_id", readonly=False
    )
    ar_interest_product_id = fields.Many2one(
        related="company_id.ar_interest_product_id", readonly=False
    )
    ar_fee_account_id = fields.Many2one(
        related="company_id.ar_fee_account_id", readonly=False
    )
    ar_interest_account_id = fields.Many2one(
        related="company_id.ar_interest_account_id", readonly=False
    )
    ar_charge_document = fields.Selection(
        related="company_id.ar_charge_document", readonly=False
    )
    ar_charge_taxes = fields.Boolean(
        related="company_id.ar_charge_taxes", readonly=False
    )
    ar_charge_waiver_limit = fields.Monetary(
        related="company_id.ar_charge_waiver_limit", readonly=False
    )

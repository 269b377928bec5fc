from odoo import _, fields, models


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
    ar_missing_rates_warning = fields.Char(compute="_compute_ar_missing_rates_warning")

    def _compute_ar_missing_rates_warning(self):
        Rate = self.env["ar.reference.rate"]
        missing = Rate._ar_missing_rates()
        labels = dict(Rate._fields["index"]._description_selection(self.env))
        warning = (
            _(
                "No reference rate for the current half-year: %(indexes)s. "
                "Late-payment interest on these indexes cannot be computed.",
                indexes=", ".join(labels[code] for code in missing),
            )
            if missing
            else False
        )
        for settings in self:
            settings.ar_missing_rates_warning = warning

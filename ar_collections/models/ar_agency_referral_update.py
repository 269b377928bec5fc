from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .ar_agency_referral import AGENCY_STATUSES


class ArAgencyReferralUpdate(models.Model):
    """A status update from the agency on a referral: the case's own timeline."""

    _name = "ar.agency.referral.update"
    _description = "Agency referral update"
    _order = "date desc, id desc"

    referral_id = fields.Many2one(
        "ar.agency.referral", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="referral_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="referral_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    status = fields.Selection(AGENCY_STATUSES, required=True)
    amount_collected = fields.Monetary(
        help="Total the agency reported having collected, as of this update."
    )
    note = fields.Text()
    source = fields.Selection(
        [("manual", "Entered by hand"), ("import", "Imported")],
        required=True,
        default="manual",
    )
    user_id = fields.Many2one(
        "res.users", string="Recorded by", default=lambda self: self.env.user
    )

    @api.model_create_multi
    def create(self, vals_list):
        """Updates are the referral's timeline: recorded through the referral
        (``_apply_agency_update``: the update wizard, the import), never alone."""
        referrals = self.env["ar.agency.referral"].browse(
            list({vals.get("referral_id") for vals in vals_list} - {None, False})
        )
        if not referrals._ar_is_unlocked():
            raise UserError(
                _(
                    "Agency updates are recorded with 'Record agency update' or the "
                    "import, which apply them to the referral."
                )
            )
        return super().create(vals_list)

from odoo import fields, models

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

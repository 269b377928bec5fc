from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.ar_agency_referral import AGENCY_STATUSES


class ArAgencyUpdateWizard(models.TransientModel):
    """Record a status update the agency gave (phone, e-mail, portal) by hand."""

    _name = "ar.agency.update.wizard"
    _description = "Record an agency update"

    referral_id = fields.Many2one("ar.agency.referral", required=True)
    currency_id = fields.Many2one(related="referral_id.currency_id")
    amount_referred = fields.Monetary(related="referral_id.amount_referred")
    status = fields.Selection(AGENCY_STATUSES, required=True)
    amount_collected = fields.Monetary(
        string="Collected so far",
        help="Total the agency has collected on the case up to now (not the increase).",
    )
    note = fields.Text()

    @api.model
    def _open_for(self, referral):
        referral.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Agency update"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_referral_id": referral.id,
                "default_status": referral.state
                if referral.state in dict(AGENCY_STATUSES)
                else "collecting",
                "default_amount_collected": referral.amount_collected_agency,
            },
        }

    def action_apply(self):
        self.ensure_one()
        Referral = self.env["ar.agency.referral"]
        problems = Referral._validate_agency_update(
            self.referral_id, self.status, self.amount_collected
        )
        if problems:
            raise UserError(
                _(
                    "This update cannot be recorded: %(problems)s.",
                    problems="; ".join(problems),
                )
            )
        self.referral_id._apply_agency_update(
            self.status, self.amount_collected, note=self.note, source="manual"
        )
        return {"type": "ir.actions.act_window_close"}

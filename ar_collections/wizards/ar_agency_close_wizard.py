from odoo import Command, _, api, fields, models


class ArAgencyCloseWizard(models.TransientModel):
    """Recall referrals, or close them as returned uncollectible, with a reason."""

    _name = "ar.agency.close.wizard"
    _description = "Recall or return a referral"

    referral_ids = fields.Many2many("ar.agency.referral", required=True)
    mode = fields.Selection(
        [("recall", "Recall"), ("returned", "Returned uncollectible")], required=True
    )
    reason = fields.Char(required=True)

    @api.model
    def _open_for(self, referrals, mode):
        return {
            "type": "ir.actions.act_window",
            "name": _("Recall referral")
            if mode == "recall"
            else _("Returned uncollectible"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_referral_ids": [Command.set(referrals.ids)],
                "default_mode": mode,
            },
        }

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "recall":
            self.referral_ids.action_recall(self.reason)
        else:
            self.referral_ids.action_close_returned(self.reason)
        return {"type": "ir.actions.act_window_close"}

from odoo import _, api, fields, models


class ArCreditHoldWizard(models.TransientModel):
    """Put customers on credit hold, or release them, by hand with a reason."""

    _name = "ar.credit.hold.wizard"
    _description = "Put on or release from credit hold"

    mode = fields.Selection(
        [("hold", "Put on credit hold"), ("release", "Release from credit hold")],
        required=True,
        default="hold",
    )
    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    reason = fields.Char(required=True)

    @api.model
    def _open_for(self, partners, mode):
        return {
            "type": "ir.actions.act_window",
            "name": _("Put on credit hold")
            if mode == "hold"
            else _("Release credit hold"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_mode": mode,
                "default_partner_ids": partners.commercial_partner_id.ids,
            },
        }

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "hold":
            self.partner_ids.action_credit_hold(self.reason)
        else:
            self.partner_ids.action_credit_release(self.reason)
        return {"type": "ir.actions.act_window_close"}

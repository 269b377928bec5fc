from odoo import fields, models


class ArCollectionChargeWaiverWizard(models.TransientModel):
    """Ask to waive late-payment charges, with the reason (the rules are in
    ``ar.collection.charge.action_request_waiver``)."""

    _name = "ar.collection.charge.waiver.wizard"
    _description = "Waive late-payment charges"

    charge_ids = fields.Many2many("ar.collection.charge", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.charge_ids.action_request_waiver(self.reason)
        return {"type": "ir.actions.act_window_close"}

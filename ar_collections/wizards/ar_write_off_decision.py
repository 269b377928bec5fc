from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ArWriteOffDecision(models.TransientModel):
    """Approve or reject a write-off request, with a comment (required to reject)."""

    _name = "ar.write.off.decision"
    _description = "Write-off decision"

    request_id = fields.Many2one("ar.write.off.request", required=True)
    decision = fields.Selection(
        [("approve", "Approve"), ("reject", "Reject")], required=True, default="approve"
    )
    comment = fields.Text()

    @api.model
    def _open_for(self, request, decision):
        return {
            "type": "ir.actions.act_window",
            "name": _("Approve write-off")
            if decision == "approve"
            else _("Reject write-off"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": request.id, "default_decision": decision},
        }

    def action_confirm(self):
        self.ensure_one()
        if self.decision == "approve":
            result = self.request_id.action_approve(comment=self.comment)
            if isinstance(result, dict):
                return result  # not posted: the warning that a new approval is needed
        else:
            if not (self.comment or "").strip():
                raise UserError(_("Say why the write-off is rejected."))
            self.request_id.action_reject(self.comment)
        return {"type": "ir.actions.act_window_close"}

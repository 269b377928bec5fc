from odoo import _, fields, models


class ArWriteOffApproval(models.Model):
    """One approval a write-off request needs (``ar.approval.row.mixin``)."""

    _name = "ar.write.off.approval"
    _inherit = ["ar.approval.row.mixin"]
    _description = "Write-off approval"
    _order = "request_id, sequence, id"
    _ar_request_field = "request_id"

    request_id = fields.Many2one(
        "ar.write.off.request", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="request_id.company_id", store=True, index=True
    )

    def _ar_own_approval_text(self):
        return _("the requester cannot approve their own write-off request")

    def _ar_repeated_approval_text(self, user):
        return _(
            "%(user)s has already approved this request; each approval must "
            "come from a different person",
            user=user.name,
        )

    def _ar_created_by_hand_text(self):
        return _(
            "The approvals of a write-off request come from the write-off policy "
            "when it is submitted; they are not created by hand."
        )

    def _ar_decided_text(self, decided):
        return _(
            "A decided write-off approval cannot be changed (%(requests)s).",
            requests=", ".join(decided.request_id.mapped("name")),
        )

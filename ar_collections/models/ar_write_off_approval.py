from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

APPROVAL_STATES = [
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]


class ArWriteOffApproval(models.Model):
    """One approval a write-off request needs: from a member of ``group_id``, given
    in ``sequence`` order. Made from the policy when the request is submitted and
    written only by the request's approve and reject methods.

    Whoever writes it (even with sudo()), a decided approval names its user, that
    user is not the requester, belongs to the group and gave no other approval of
    the request; and once decided it does not change.
    """

    _name = "ar.write.off.approval"
    _description = "Write-off approval"
    _order = "request_id, sequence, id"

    request_id = fields.Many2one(
        "ar.write.off.request", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="request_id.company_id", store=True, index=True
    )
    sequence = fields.Integer(default=0)
    group_xmlid = fields.Char(string="Group XML id", required=True)
    group_id = fields.Many2one("res.groups", string="Group", required=True)
    state = fields.Selection(APPROVAL_STATES, default="pending", required=True)
    user_id = fields.Many2one("res.users", string="By", readonly=True)
    date = fields.Datetime(readonly=True)
    comment = fields.Text(readonly=True)

    @api.constrains("state", "user_id", "request_id", "group_id")
    def _check_approver(self):
        for approval in self.filtered(lambda a: a.state != "pending" or a.user_id):
            request = approval.request_id
            user = approval.user_id
            refusal = None
            if not user or approval.state == "pending":
                refusal = _("a decision records who made it, and only that")
            elif user == request.requester_id:
                refusal = _("the requester cannot approve their own write-off request")
            elif (
                approval.state == "approved"
                and user
                in (request.approval_ids - approval)
                .filtered(lambda a: a.state == "approved")
                .user_id
            ):
                refusal = _(
                    "%(user)s has already approved this request; each approval must "
                    "come from a different person",
                    user=user.name,
                )
            elif approval.group_id not in user.groups_id:
                refusal = _(
                    "this approval must come from a member of '%(group)s'",
                    group=approval.group_id.full_name,
                )
            if refusal:
                raise ValidationError(
                    _(
                        "Approval of %(request)s by %(user)s refused: %(why)s.",
                        request=request.name,
                        user=user.name or "-",
                        why=refusal,
                    )
                )

    def write(self, vals):
        decided = self.filtered(lambda a: a.state != "pending")
        if decided and vals:
            raise UserError(
                _(
                    "A decided write-off approval cannot be changed (%(requests)s).",
                    requests=", ".join(decided.request_id.mapped("name")),
                )
            )
        return super().write(vals)

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

APPROVAL_STATES = [
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]


class ArApprovalRowMixin(models.AbstractModel):
    """One approval a request of ``ar.approval.chain.mixin`` needs, from a member
    of ``group_id``, in ``sequence`` order: made from the write-off policy when the
    request is submitted (inside the request's own workflow write), and written
    only by the request's approve and reject methods.

    Whoever writes it (even with sudo()): it is not created by hand; a decided
    approval names its user, who is not the requester, belongs to the group and
    gave no other approval of the request; once decided it does not change. The
    model names its request field (``_ar_request_field``) and words the refusals
    (``_ar_*_text``)."""

    _name = "ar.approval.row.mixin"
    _description = "Approval of a request, one row per group"
    _ar_request_field = None

    sequence = fields.Integer(default=0)
    group_xmlid = fields.Char(string="Group XML id", required=True)
    group_id = fields.Many2one("res.groups", string="Group", required=True)
    state = fields.Selection(APPROVAL_STATES, default="pending", required=True)
    user_id = fields.Many2one("res.users", string="By", readonly=True)
    date = fields.Datetime(readonly=True)
    comment = fields.Text(readonly=True)

    # Texts the models give -----------------------------------------------------------

    def _ar_own_approval_text(self):
        """Why the requester may not approve."""
        raise NotImplementedError

    def _ar_repeated_approval_text(self, user):
        """Why ``user`` may not approve twice."""
        raise NotImplementedError

    def _ar_refused_text(self, request, user, why):
        return _(
            "Approval of %(request)s by %(user)s refused: %(why)s.",
            request=request.name,
            user=user.name or "-",
            why=why,
        )

    def _ar_created_by_hand_text(self):
        """Why an approval row is not created by hand."""
        raise NotImplementedError

    def _ar_decided_text(self, decided):
        """Why the ``decided`` approvals do not change."""
        raise NotImplementedError

    # The rules -----------------------------------------------------------------------

    def _ar_request(self):
        return self[self._ar_request_field]

    @api.constrains(
        lambda self: ("state", "user_id", "group_id", self._ar_request_field)
    )
    def _check_approver(self):
        for approval in self.filtered(lambda a: a.state != "pending" or a.user_id):
            request = approval._ar_request()
            user = approval.user_id
            others = (request.approval_ids - approval).filtered(
                lambda a: a.state == "approved"
            )
            refusal = None
            if not user or approval.state == "pending":
                refusal = _("a decision records who made it, and only that")
            elif user == request.requester_id:
                refusal = approval._ar_own_approval_text()
            elif approval.state == "approved" and user in others.user_id:
                refusal = approval._ar_repeated_approval_text(user)
            elif approval.group_id not in user.groups_id:
                refusal = _(
                    "this approval must come from a member of '%(group)s'",
                    group=approval.group_id.full_name,
                )
            if refusal:
                raise ValidationError(approval._ar_refused_text(request, user, refusal))

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")  # who may not create at all is told so first
        requests = self.env[self._fields[self._ar_request_field].comodel_name].browse(
            {vals.get(self._ar_request_field) for vals in vals_list}
        )
        if not requests._ar_is_unlocked():
            raise UserError(self._ar_created_by_hand_text())
        return super().create(vals_list)

    def write(self, vals):
        decided = self.filtered(lambda a: a.state != "pending")
        if decided and vals:
            raise UserError(decided._ar_decided_text(decided))
        return super().write(vals)

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..ladder.errors import LadderError


class ArApprovalChainMixin(models.AbstractModel):
    """A request approved step by step on approval rows, by the bands of the
    company's write-off policy: write-off requests and returns of goods.

    The model declares ``approval_ids`` (its rows: ``group_id``, ``sequence``,
    ``state`` pending / approved / rejected, ``user_id``, ``date``, ``comment``) and
    ``next_approval_id``, stored, computed by ``_compute_next_approval_id``: the
    first pending row while the request is submitted (their comodel is the
    model's own), and ``next_group_id``, related to it. The submission's date and
    band and the rejection comment are declared here. The approval hooks of
    ``ar.approval.mixin`` are read from them, and a rejection is written on the
    pending row."""

    _name = "ar.approval.chain.mixin"
    _inherit = ["ar.approval.mixin"]
    _description = "Approval on approval rows, band by band"

    date_submitted = fields.Date(readonly=True, copy=False)
    band_description = fields.Char(string="Policy band", readonly=True, copy=False)
    decision_comment = fields.Text(
        string="Rejection comment", readonly=True, copy=False
    )

    @api.depends("approval_ids.state", "approval_ids.sequence", "state")
    def _compute_next_approval_id(self):
        for record in self:
            pending = record.approval_ids.filtered(lambda a: a.state == "pending")
            record.next_approval_id = (
                pending.sorted(lambda a: (a.sequence, a.id))[:1]
                if record.state == "submitted"
                else False
            )

    def _ar_approval_policy(self):
        """The company's write-off policy (its approval bands), or a UserError
        that says what is wrong with it."""
        self.ensure_one()
        try:
            return self.company_id._ar_parse_write_off_policy()
        except LadderError as error:
            raise UserError(
                _(
                    "The write-off policy of %(company)s is not valid:\n%(problems)s",
                    company=self.company_id.name,
                    problems=str(error),
                )
            ) from error

    # Hooks of ar.approval.mixin ------------------------------------------------------

    def _ar_next_approval_group(self):
        self.ensure_one()
        return self.next_approval_id.group_id

    def _ar_approved_users(self):
        self.ensure_one()
        return self.approval_ids.filtered(lambda a: a.state == "approved").user_id

    @api.model
    def _ar_awaiting_domain(self, user):
        return [
            ("state", "=", "submitted"),
            ("next_approval_id.group_id", "in", user.groups_id.ids),
        ]

    @api.model
    def _ar_not_approved_by_domain(self, user):
        return [("approval_ids", "not any", [("user_id", "=", user.id)])]

    def _ar_can_approve_depends(self):
        return ["next_approval_id", "requester_id", "approval_ids.user_id"]

    # Rejection -----------------------------------------------------------------------

    def _ar_reject_pending_approval(self, comment):
        """Reject each record on its pending approval row: refused unless the user
        may decide; the row, the state, the activities and the requester are told
        why."""
        user = self.env.user
        for record in self:
            record._ar_check_may_decide(user, approving=False)
            record.next_approval_id.sudo().write(
                {
                    "state": "rejected",
                    "user_id": user.id,
                    "date": fields.Datetime.now(),
                    "comment": comment,
                }
            )
            record._ar_workflow_write(
                {"state": "rejected", "decision_comment": comment}
            )
            record._ar_close_approval_activities(feedback=comment, done=False)
            record.message_post(
                body=_(
                    "Rejected by %(user)s: %(comment)s", user=user.name, comment=comment
                ),
                partner_ids=record.requester_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )

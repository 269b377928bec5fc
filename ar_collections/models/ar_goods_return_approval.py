from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .ar_write_off_approval import APPROVAL_STATES


class ArGoodsReturnApproval(models.Model):
    """One approval a return of goods needs, from a member of ``group_id``, in
    ``sequence`` order: made from the write-off policy (reason ``goods_returned``)
    on submission and written only by the return's approve and reject methods.

    Whoever writes it (even with sudo()), a decided approval names its user, who is
    not the requester, belongs to the group and gave no other approval of the
    return; once decided it does not change.
    """

    _name = "ar.goods.return.approval"
    _description = "Return of goods: approval"
    _order = "return_id, sequence, id"

    return_id = fields.Many2one(
        "ar.goods.return", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="return_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=0)
    group_xmlid = fields.Char(string="Group XML id", required=True)
    group_id = fields.Many2one("res.groups", string="Group", required=True)
    state = fields.Selection(APPROVAL_STATES, default="pending", required=True)
    user_id = fields.Many2one("res.users", string="By", readonly=True)
    date = fields.Datetime(readonly=True)
    comment = fields.Text(readonly=True)

    @api.constrains("state", "user_id", "return_id", "group_id")
    def _check_approver(self):
        for approval in self.filtered(lambda a: a.state != "pending" or a.user_id):
            goods_return = approval.return_id
            user = approval.user_id
            others = (goods_return.approval_ids - approval).filtered(
                lambda a: a.state == "approved"
            )
            refusal = None
            if not user or approval.state == "pending":
                refusal = _("a decision records who made it, and only that")
            elif user == goods_return.requester_id:
                refusal = _("the requester cannot approve their own return of goods")
            elif approval.state == "approved" and user in others.user_id:
                refusal = _(
                    "%(user)s has already approved this return; each approval must "
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
                        "Approval of %(name)s by %(user)s refused: %(why)s.",
                        name=goods_return.name,
                        user=user.name or "-",
                        why=refusal,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        returns = self.env["ar.goods.return"].browse(
            {vals.get("return_id") for vals in vals_list}
        )
        if not returns._ar_is_unlocked():
            raise UserError(
                _(
                    "The approvals of a return of goods come from the write-off "
                    "policy when it is submitted; they are not created by hand."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        decided = self.filtered(lambda a: a.state != "pending")
        if decided and vals:
            raise UserError(
                _(
                    "A decided approval of a return of goods cannot be changed "
                    "(%(names)s).",
                    names=", ".join(decided.return_id.mapped("name")),
                )
            )
        return super().write(vals)

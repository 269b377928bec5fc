from odoo import _, fields, models


class ArGoodsReturnApproval(models.Model):
    """One approval a return of goods needs (``ar.approval.row.mixin``), from the
    write-off policy's band for the reason ``goods_returned``."""

    _name = "ar.goods.return.approval"
    _inherit = ["ar.approval.row.mixin"]
    _description = "Return of goods: approval"
    _order = "return_id, sequence, id"
    _ar_request_field = "return_id"

    return_id = fields.Many2one(
        "ar.goods.return", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="return_id.company_id", store=True, index=True)

    def _ar_own_approval_text(self):
        return _("the requester cannot approve their own return of goods")

    def _ar_repeated_approval_text(self, user):
        return _(
            "%(user)s has already approved this return; each approval must "
            "come from a different person",
            user=user.name,
        )

    def _ar_created_by_hand_text(self):
        return _(
            "The approvals of a return of goods come from the write-off "
            "policy when it is submitted; they are not created by hand."
        )

    def _ar_decided_text(self, decided):
        return _(
            "A decided approval of a return of goods cannot be changed (%(names)s).",
            names=", ".join(decided.return_id.mapped("name")),
        )

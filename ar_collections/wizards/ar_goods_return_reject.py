from odoo import fields, models


class ArGoodsReturnReject(models.TransientModel):
    """Say why a return of goods is rejected (the return's own method checks who)."""

    _name = "ar.goods.return.reject"
    _description = "Reject a return of goods"

    return_id = fields.Many2one("ar.goods.return", required=True, ondelete="cascade")
    comment = fields.Text(required=True)

    def action_reject(self):
        self.ensure_one()
        self.return_id.action_reject(self.comment)
        return {"type": "ir.actions.act_window_close"}

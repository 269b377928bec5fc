from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from .account_move import OPEN_PAYMENT_STATES


class AccountMove(models.Model):
    """Goods taken back from an invoice: the button that proposes a return."""

    _inherit = "account.move"

    ar_goods_return_count = fields.Integer(
        string="Returns of goods", compute="_compute_ar_goods_return_count"
    )

    @api.depends_context("uid")
    def _compute_ar_goods_return_count(self):
        counts = dict(
            self.env["ar.goods.return"]._read_group(
                [("move_ids", "in", self.ids)], ["move_ids"], ["__count"]
            )
        )
        for move in self:
            move.ar_goods_return_count = counts.get(move, 0)

    def action_ar_goods_return(self):
        """A new return of goods for this invoice, proposing every line with the
        quantity that may still be taken back (the collector lowers or removes)."""
        self.ensure_one()
        self.env["ar.goods.return"].check_access("create")
        if (
            self.move_type != "out_invoice"
            or self.state != "posted"
            or self.payment_state not in OPEN_PAYMENT_STATES
        ):
            raise UserError(
                _(
                    "Goods are taken back only from a posted customer invoice that is "
                    "still owed; not %(invoice)s.",
                    invoice=self.display_name,
                )
            )
        returnable = self.env["ar.goods.return"]._ar_returnable_lines(self)
        if not returnable:
            raise UserError(
                _(
                    "Nothing left to take back on %(invoice)s: every line is in a "
                    "return of goods already.",
                    invoice=self.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Take goods back"),
            "res_model": "ar.goods.return",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {
                "default_move_ids": [Command.set(self.ids)],
                "default_partner_id": self.commercial_partner_id.id,
                "default_company_id": self.company_id.id,
                "default_line_ids": [
                    Command.create({"move_line_id": line.id, "quantity": quantity})
                    for line, quantity in returnable.items()
                ],
            },
        }

    def action_ar_view_goods_returns(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Returns of goods"),
            "res_model": "ar.goods.return",
            "view_mode": "list,form",
            "domain": [("move_ids", "in", self.ids)],
        }

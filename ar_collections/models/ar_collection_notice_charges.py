from odoo import api, fields, models

from .account_move import OPEN_PAYMENT_STATES


class ArCollectionNotice(models.Model):
    """The late-payment charges a notice shows (contract 3)."""

    _inherit = "ar.collection.notice"

    ar_open_charge_ids = fields.Many2many(
        "ar.collection.charge",
        string="Open charges",
        compute="_compute_ar_open_charge_ids",
        compute_sudo=True,
        help="The charges on the notice's invoices, or carried by one of its charge "
        "documents, still owed (not waived, their document still open).",
    )

    @api.depends(
        "move_ids.payment_state",
        "move_ids.ar_charge_ids.state",
        "move_ids.ar_charge_ids.charge_move_id.payment_state",
    )
    def _compute_ar_open_charge_ids(self):
        """One search for every notice computed together (the run renders a batch
        of notices: not one search per notice)."""
        moves = self.move_ids
        charges = self.env["ar.collection.charge"]
        if moves:
            charges = charges.search(
                [
                    "|",
                    ("move_id", "in", moves.ids),
                    ("charge_move_id", "in", moves.ids),
                    ("state", "!=", "waived"),
                    ("charge_move_id.payment_state", "in", OPEN_PAYMENT_STATES),
                ],
                order="move_id, kind, date_from, id",
            )
        for notice in self:
            notice_moves = set(notice.move_ids.ids)
            notice.ar_open_charge_ids = charges.filtered(
                lambda charge, notice_moves=notice_moves: (
                    charge.move_id.id in notice_moves
                    or charge.charge_move_id.id in notice_moves
                )
            )

    def _ar_notice_charges(self):
        """The charges on the notice's invoices, or carried by one of its charge
        documents, that are still owed (not waived, their document still open),
        each with its basis and legal reference."""
        self.ensure_one()
        # The hook is ar_collection_notice.py's (contract 3); tolerate its absence
        # so that this file does not depend on the order the branches merge in.
        parent = getattr(super(), "_ar_notice_charges", None)
        lines = parent() if parent else []
        if not self.move_ids:
            return lines
        charges = self.ar_open_charge_ids.sudo()
        return lines + [charge._ar_notice_line() for charge in charges]

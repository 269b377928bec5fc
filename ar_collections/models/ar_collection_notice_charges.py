from odoo import models

from .account_move import OPEN_PAYMENT_STATES


class ArCollectionNotice(models.Model):
    """The late-payment charges a notice shows (contract 3)."""

    _inherit = "ar.collection.notice"

    def _ar_notice_charges(self):
        """The charges on the notice's invoices, or carried by one of its charge
        documents, that are still owed (not waived, their document still open),
        each with its basis and legal reference."""
        self.ensure_one()
        # The hook is ar_collection_notice.py's (contract 3); tolerate its absence
        # so that this file does not depend on the order the branches merge in.
        parent = getattr(super(), "_ar_notice_charges", None)
        lines = parent() if parent else []
        moves = self.move_ids
        if not moves:
            return lines
        charges = (
            self.env["ar.collection.charge"]
            .sudo()
            .search(
                [
                    "|",
                    ("move_id", "in", moves.ids),
                    ("charge_move_id", "in", moves.ids),
                    ("state", "!=", "waived"),
                    ("charge_move_id.payment_state", "in", OPEN_PAYMENT_STATES),
                ],
                order="move_id, kind, date_from, id",
            )
        )
        return lines + [charge._ar_notice_line() for charge in charges]

from odoo import fields, models
from odoo.tools import format_date


class ResPartner(models.Model):
    """Where each open invoice of the customer stands on its ladder (current
    company), from the run's own facts and the engine's reason codes."""

    _inherit = "res.partner"

    collection_position_html = fields.Html(
        string="Ladder position",
        compute="_compute_collection_position_html",
        sanitize=False,
        help="For each open invoice: the last step, the next step and its date, and "
        "why it waits: the decision the next run would take today.",
    )

    def _compute_collection_position_html(self):
        Move = self.env["account.move"]
        moves = Move.search(
            Move._ar_open_invoice_domain(self.env.company)
            + [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
            order="invoice_date_due, id",
        )
        positions = self.env["ar.collection.run"]._ar_ladder_positions(moves)
        for partner in self:
            lines = [
                {
                    "move": move,
                    "last_step": move.collection_step_label,
                    "next_step": positions[move.id]["next_step_label"],
                    "next_date": positions[move.id]["next_date"]
                    and format_date(self.env, positions[move.id]["next_date"]),
                    "why": move._ar_position_reason_text(positions[move.id]),
                }
                for move in moves
                if move.commercial_partner_id == partner.commercial_partner_id
                and move.id in positions
            ]
            partner.collection_position_html = self.env["ir.qweb"]._render(
                "ar_collections.ladder_position_customer_panel", {"lines": lines}
            )

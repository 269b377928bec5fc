from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..models.account_move import OPEN_PAYMENT_STATES


class ArAgencyReferralWizard(models.TransientModel):
    """Refer overdue invoices to a collection agency, from a customer or a
    selection of invoices; one referral per customer."""

    _name = "ar.agency.referral.wizard"
    _inherit = "ar.invoice.case.wizard"
    _description = "Refer to a collection agency"

    agency_id = fields.Many2one(
        "res.partner",
        string="Agency",
        required=True,
        domain="[('is_collection_agency', '=', True)]",
        default=lambda self: self.env.company.ar_default_agency_id,
    )
    note = fields.Text(help="Told to the agency in the referral e-mail.")

    @api.model
    def _ar_window_name(self):
        return _("Refer to agency")

    @api.model
    def _open_for_partners(self, partners):
        """The customers' overdue invoices not already with an agency or legal."""
        moves = partners.collection_overdue_move_ids
        moves -= self.env["ar.agency.referral"]._moves_in_referrals(moves)
        moves -= self.env["ar.legal.case"]._moves_in_cases(moves)
        return self._open_for(moves)

    def _create_referrals(self):
        self.ensure_one()
        moves = self.move_ids
        closed = moves.filtered(lambda m: m.payment_state not in OPEN_PAYMENT_STATES)
        if closed:
            raise UserError(
                _(
                    "Not open, cannot be referred: %(moves)s.",
                    moves=", ".join(closed.mapped("display_name")),
                )
            )
        by_key = defaultdict(lambda: self.env["account.move"])
        for move in moves:
            by_key[(move.company_id.id, move.commercial_partner_id.id)] |= move
        return self.env["ar.agency.referral"].create(
            [
                {
                    "company_id": company_id,
                    "partner_id": partner_id,
                    "agency_id": self.agency_id.id,
                    "move_ids": [Command.set(key_moves.ids)],
                    "note": self.note or False,
                }
                for (company_id, partner_id), key_moves in by_key.items()
            ]
        )

    def _open_referrals(self, referrals):
        return self._ar_open_cases(referrals, _("Agency referrals"))

    def action_create(self):
        return self._open_referrals(self._create_referrals())

    def action_create_send(self):
        referrals = self._create_referrals()
        referrals.action_send()
        return self._open_referrals(referrals)

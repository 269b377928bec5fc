import logging

from markupsafe import Markup

from odoo import _, api, models

from ..ladder.interest import INDEXES
from .ar_collection_run import _Entry

_logger = logging.getLogger(__name__)

CHARGE_KINDS = ("fee", "charge_interest")


class ArCollectionRun(models.AbstractModel):
    """What the late-payment charges add to the run: the warning when a reference
    rate is missing, and the charges in the dry run's proposals."""

    _inherit = "ar.collection.run"

    @api.model
    def _ar_warn_missing_rates(self, ladders, today, missing):
        """Say in the log and, once a day, on the ladders' chatter that interest
        was not charged for want of a reference rate (``missing``: {index:
        half-year start}). Nothing is queried when no rate is missing."""
        root = self.env.ref("base.partner_root")
        for index, half_year in sorted(missing.items()):
            message = _(
                "Collections run of %(date)s: no %(index)s for the half-year from "
                "%(half)s; the interest on it is not charged until the rate is "
                "added to the reference rates.",
                date=today,
                index=INDEXES.get(index, index),
                half=half_year,
            )
            _logger.warning(message)
            said = (
                self.env["mail.message"]
                .sudo()
                .search(
                    [
                        ("model", "=", "ar.dunning.ladder"),
                        ("res_id", "in", ladders.ids),
                        ("author_id", "=", root.id),
                        ("body", "=", Markup("<p>%s</p>") % message),
                    ]
                )
            )
            for ladder in ladders.filtered(
                lambda ladder, said=said: ladder.id not in said.mapped("res_id")
            ):
                ladder.sudo().message_post(
                    body=Markup("<p>%s</p>") % message,
                    message_type="notification",
                    subtype_xmlid="mail.mt_note",
                    author_id=root.id,
                )

    @api.model
    def _propose(self, job, decisions, moves, paused, counts, proposals):
        """The dry run also says what each fee and interest action would charge."""
        super()._propose(job, decisions, moves, paused, counts, proposals)
        entries = [
            _Entry.taken(move, ladder, decision)
            for move, ladder, _p, decision in decisions
            if decision.take
            and any(action.kind in CHARGE_KINDS for action in decision.take.actions)
        ]
        if not entries:
            return
        customer_actions = [
            customer_action
            for customer_action in self._customer_actions(job, entries, moves, paused)
            if customer_action.kind in CHARGE_KINDS
        ]
        Charge = self.env["ar.collection.charge"]
        fees = [ca for ca in customer_actions if ca.kind == "fee"]
        interest = [ca for ca in customer_actions if ca.kind == "charge_interest"]
        pending = []
        if fees:
            pending += Charge._ar_fee_items(fees, job.today)[0]
        if interest:
            pending += Charge._ar_interest_items(interest, job.today)[0]
        for item in pending:
            counts[f"{item['kind']}_charges_proposed"] += 1
            move = item["move"]
            proposals.append(
                {
                    "type": "charge",
                    "move_id": move.id,
                    "partner_id": move.commercial_partner_id.id,
                    "kind": item["kind"],
                    "step": item["step_code"],
                    "fee_code": item["fee_code"],
                    "amount": float(item["amount"]),
                    "currency_id": move.currency_id.id,
                    "date_from": item.get("date_from"),
                    "date_to": item.get("date_to"),
                    "basis": item["basis"],
                    "legal_reference": item["legal_reference"],
                }
            )

from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount, format_date

PORTAL_PROMISE_MAX_DAYS = 30


class ArCollectionPromisePortal(models.Model):
    """A promise the customer made on the portal (``source = 'portal'``).

    It pauses the ladder and is kept or broken exactly like a collector's promise;
    what differs is checked in ``create()`` for every caller: its date is after the
    day it was made and no later than the ladder allows (``portal:
    {promise_max_days:}`` of each invoice's ladder, default 30), and its amount is at
    most what the invoices owe. The customer gets a written confirmation.
    """

    _name = "ar.collection.promise"
    _inherit = ["ar.collection.promise", "ar.collection.portal.case.mixin"]

    _ar_case_number_prefix = "PTP"

    @api.model
    def _ar_portal_max_days(self, moves):
        """Latest promise date allowed, in days from today: the strictest
        ``portal.promise_max_days`` of the invoices' ladders."""
        ladders = self.env["ar.dunning.ladder"].sudo()._ar_ladders_for_moves(moves)
        days = [
            ladder._get_parsed().portal_promise_max_days
            for ladder in set(ladders.values())
            if ladder
        ]
        return min(days, default=PORTAL_PROMISE_MAX_DAYS)

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        promises.filtered(lambda p: p.source == "portal")._ar_check_portal_terms()
        return promises

    def _ar_check_portal_terms(self):
        for promise in self:
            latest = promise.date_start + timedelta(
                days=self._ar_portal_max_days(promise.move_ids)
            )
            if not promise.date_start < promise.date <= latest:
                raise ValidationError(
                    _(
                        "Choose a payment date after %(today)s and no later than "
                        "%(latest)s.",
                        today=format_date(self.env, promise.date_start),
                        latest=format_date(self.env, latest),
                    )
                )
            owed = sum(promise.move_ids.mapped("amount_residual"))
            rounding = promise.move_ids.currency_id[:1].rounding or 0.01
            if promise.amount > owed + rounding / 2:
                raise ValidationError(
                    _(
                        "The promised amount (%(amount)s) is more than the chosen "
                        "invoices owe (%(owed)s).",
                        amount=promise.amount,
                        owed=owed,
                    )
                )

    @api.model
    def _ar_create_from_portal(self, partner, company, moves, amount, date, nonce):
        """Record the promise the customer made on the portal, once per form
        (``nonce``), confirm it to the customer in writing and note it in the
        customer's chatter. ``partner`` is who acted (portal user's or the notice's
        customer). Runs as superuser after the checks: the model's own checks
        (invoices, dates, amount) apply as for every caller."""
        customer = partner.commercial_partner_id
        replay = self._ar_portal_replay(customer, nonce)
        if replay:
            return replay
        moves = self._ar_portal_check_moves(customer, company, moves.sudo())
        if moves.currency_id != company.currency_id:
            raise ValidationError(
                _(
                    "A promise on the portal covers invoices in %(currency)s only; "
                    "call us about the others.",
                    currency=company.currency_id.name,
                )
            )
        responsible = self._ar_portal_responsible(customer, company)
        promise = (
            self.sudo()
            .with_company(company)
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "move_ids": [Command.set(moves.ids)],
                    "amount": amount,
                    "date": date,
                    "date_start": fields.Date.context_today(self),
                    "source": "portal",
                    "portal_nonce": nonce,
                    # made by the customer, not taken by anyone of ours: who
                    # acted is the author of the note on the customer
                    "user_id": False,
                    "collector_id": responsible.id,
                }
            )
        )
        promise._ar_portal_log(
            _(
                "Promise made on the portal (%(number)s): %(amount)s by %(date)s "
                "for %(moves)s.",
                number=promise.case_number,
                amount=format_amount(self.env, promise.amount, promise.currency_id),
                date=format_date(self.env, promise.date),
                moves=", ".join(moves.mapped("name")),
            ),
            partner,
        )
        promise._ar_send_confirmation()
        return promise

    def _ar_confirmation_recipient(self):
        self.ensure_one()
        return self.env["res.partner"].browse(
            self.partner_id.address_get(["invoice"])["invoice"]
        )

    def _ar_send_confirmation(self):
        template = self.env.ref(
            "ar_collections.mail_template_promise_confirmation",
            raise_if_not_found=False,
        )
        if not template:
            return
        for promise in self:
            template.sudo().send_mail(promise.id, force_send=False)

"""What the run would charge (an ``_inherit`` of ``ar.collection.charge``, split
from the model): invoices to the pure rules' facts, the rules' amounts to pending
charges. Set-based: a few queries per batch, none per invoice."""

import logging
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from odoo import _, api, models
from odoo.tools import SQL

from ..ladder.fees import FeeFacts, fee_decision, fee_from_params
from ..ladder.interest import INDEXES, MissingRate, accrue_interest

_logger = logging.getLogger(__name__)


class ArCollectionCharge(models.Model):
    _inherit = "ar.collection.charge"

    # Facts ---------------------------------------------------------------------------

    @api.model
    def _ar_residual_timelines(self, moves):
        """{move id: [(date, residual)]}: each invoice's residual in its currency,
        from its total, lowered by each payment or credit note reconciled with it
        from the date of that reconciliation (one query for all the invoices)."""
        timelines = {
            move.id: [
                (
                    min(
                        move.invoice_date or move.invoice_date_due,
                        move.invoice_date_due,
                    ),
                    Decimal(str(move.amount_total)),
                )
            ]
            for move in moves
        }
        if not moves:
            return timelines
        self.env["account.partial.reconcile"].flush_model()
        self.env["account.move.line"].flush_model(["move_id", "display_type"])
        self.env.cr.execute(
            SQL(
                "SELECT line.move_id, partial.max_date,"
                " SUM(partial.debit_amount_currency)"
                " FROM account_partial_reconcile partial"
                " JOIN account_move_line line ON line.id = partial.debit_move_id"
                " WHERE line.move_id = ANY(%s) AND line.display_type = 'payment_term'"
                " GROUP BY line.move_id, partial.max_date"
                " ORDER BY line.move_id, partial.max_date",
                moves.ids,
            )
        )
        currencies = {move.id: move.currency_id for move in moves}
        for move_id, day, paid in self.env.cr.fetchall():
            timeline = timelines[move_id]
            unit = Decimal(1).scaleb(-currencies[move_id].decimal_places)
            paid = Decimal(str(paid)).quantize(unit, rounding=ROUND_HALF_UP)
            timeline.append((day, timeline[-1][1] - paid))
        return timelines

    @api.model
    def _ar_charge_counts(self, moves, kind="fee"):
        """{(move id, fee code): times charged} and {(move id, fee code, step)}."""
        groups = self._read_group(
            [("move_id", "in", moves.ids), ("kind", "=", kind)],
            ["move_id", "fee_code", "step_code"],
            ["__count"],
        )
        counts = Counter()
        steps = set()
        for move, fee_code, step_code, count in groups:
            counts[(move.id, fee_code)] += count
            steps.add((move.id, fee_code, step_code))
        return counts, steps

    @api.model
    def _ar_interest_charged_until(self, moves):
        """{move id: last day of interest already charged}."""
        groups = self._read_group(
            [("move_id", "in", moves.ids), ("kind", "=", "interest")],
            ["move_id"],
            ["date_to:max"],
        )
        return {move.id: last for move, last in groups}

    @api.model
    def _ar_actions_of(self, customer_action, kind):
        """[(move, step, action index, action)] of ``kind`` in each invoice's own
        step (the invoices of one customer may have taken different steps)."""
        result = []
        for move in customer_action.moves:
            entry = customer_action.entries.get(move.id)
            if entry is not None:
                step, actions = entry.step, entry.actions
            else:
                step = customer_action.step
                actions = list(enumerate(step.actions))
            result.extend(
                (move, step, index, action)
                for index, action in actions
                if action.kind == kind
            )
        return result

    # Fees ----------------------------------------------------------------------------

    @api.model
    def _ar_fee_items(self, customer_actions, today):
        """(pending charges, {customer action: [text per invoice]}) for the ``fee``
        actions of these customer actions."""
        moves = self.env["account.move"].union(*(ca.moves for ca in customer_actions))
        counts, steps = self._ar_charge_counts(moves)
        Currency = self.env["res.currency"].with_context(active_test=False)
        currencies = {}
        pending = []
        notes = defaultdict(list)
        for customer_action in customer_actions:
            partner = customer_action.partner
            for move, step, index, action in self._ar_actions_of(
                customer_action, "fee"
            ):
                fee = fee_from_params(dict(action.params))
                code = fee.code
                if code == "custom":
                    code = f"custom_{fee.amount.normalize():f}_{fee.currency}"
                if move.ar_is_charge:
                    notes[customer_action].append(
                        _(
                            "%(invoice)s: no fee on a charge document.",
                            invoice=move.name,
                        )
                    )
                    continue
                if (move.id, code, step.code) in steps:
                    notes[customer_action].append(
                        _(
                            "%(invoice)s: fee %(fee)s already charged at this step.",
                            invoice=move.name,
                            fee=code,
                        )
                    )
                    continue
                decision = fee_decision(
                    fee,
                    FeeFacts(
                        due_date=move.invoice_date_due,
                        today=today,
                        is_company=partner.is_company,
                        agreed=bool(
                            partner.ar_reminder_fee_agreed
                            or move.invoice_payment_term_id.ar_reminder_fee_agreed
                        ),
                        already_charged=counts[(move.id, code)],
                    ),
                )
                if not decision.charge:
                    notes[customer_action].append(
                        _(
                            "%(invoice)s: no fee %(fee)s: %(why)s.",
                            invoice=move.name,
                            fee=code,
                            why=self._ar_fee_reason(decision),
                        )
                    )
                    continue
                if fee.currency not in currencies:
                    currencies[fee.currency] = Currency.search(
                        [("name", "=", fee.currency)], limit=1
                    )
                source = currencies[fee.currency]
                if not source:
                    raise ValueError(
                        _(
                            "Fee %(fee)s is in %(currency)s, a currency this database "
                            "does not have.",
                            fee=code,
                            currency=fee.currency,
                        )
                    )
                target = move.currency_id
                amount = Decimal(
                    str(
                        target.round(
                            source._convert(
                                float(fee.amount),
                                target,
                                move.company_id,
                                today,
                                round=False,
                            )
                        )
                    )
                )
                basis = self._ar_fee_basis(fee, source, target, amount)
                counts[(move.id, code)] += 1
                steps.add((move.id, code, step.code))
                pending.append(
                    {
                        "move": move,
                        "kind": "fee",
                        "amount": amount,
                        "fee_code": code,
                        "step_code": step.code,
                        "action_index": index,
                        "once_per_invoice": fee.once_per_invoice,
                        "basis": basis,
                        "legal_reference": fee.legal_reference,
                        "snapshot": {
                            "fee": code,
                            "label": fee.label,
                            "amount": str(fee.amount),
                            "currency": fee.currency,
                            "charged": str(amount),
                            "charged_currency": target.name,
                            "rate_date": today.isoformat(),
                            "b2b_only": fee.b2b_only,
                            "requires_agreement": fee.requires_agreement,
                            "once_per_invoice": fee.once_per_invoice,
                            "max_per_claim": fee.max_per_claim,
                            "times_charged_before": counts[(move.id, code)] - 1,
                            "legal_reference": fee.legal_reference,
                        },
                    }
                )
                notes[customer_action].append(
                    _(
                        "%(invoice)s: %(amount)s (%(basis)s)",
                        invoice=move.name,
                        amount=target.format(float(amount)),
                        basis=basis,
                    )
                )
        return pending, notes

    @api.model
    def _ar_fee_reason(self, decision):
        fee = decision.fee
        return {
            "consumer": _("only businesses owe it, and the customer is an individual"),
            "not_agreed": _("it is due only when agreed when the debt arose"),
            "too_early": _(
                "not before %(days)s days after the due date",
                days=fee.min_days_after_due,
            ),
            "already_charged": _("charged once per invoice, and already charged"),
            "cap_reached": _(
                "at most %(count)s times per claim, already reached",
                count=fee.max_per_claim,
            ),
        }.get(decision.reason, decision.message)

    @api.model
    def _ar_fee_basis(self, fee, source, target, amount):
        label = fee.label or _("Fixed compensation")
        if source == target:
            return _(
                "%(label)s, %(amount)s",
                label=label,
                amount=source.format(float(fee.amount)),
            )
        return _(
            "%(label)s, %(amount)s = %(converted)s",
            label=label,
            amount=source.format(float(fee.amount)),
            converted=target.format(float(amount)),
        )

    # Interest ------------------------------------------------------------------------

    @api.model
    def _ar_interest_items(self, customer_actions, today):
        """(pending charges, {customer action: [text per invoice]}, missing rates
        {index: half-year start}) for the ``charge_interest`` actions."""
        moves = self.env["account.move"].union(*(ca.moves for ca in customer_actions))
        moves = moves.filtered(lambda move: not move.ar_is_charge)
        timelines = self._ar_residual_timelines(moves)
        charged_until = self._ar_interest_charged_until(moves)
        Rate = self.env["ar.reference.rate"]
        rates = {}
        pending = []
        notes = defaultdict(list)
        missing = {}
        for customer_action in customer_actions:
            partner = customer_action.partner
            for move, step, index, _action in self._ar_actions_of(
                customer_action, "charge_interest"
            ):
                if move.ar_is_charge:
                    notes[customer_action].append(
                        _(
                            "%(invoice)s: no interest on a charge document.",
                            invoice=move.name,
                        )
                    )
                    continue
                ladder = customer_action.entries.get(move.id, customer_action).ladder
                interest = ladder._get_parsed().interest
                if interest is None:
                    notes[customer_action].append(
                        _(
                            "%(invoice)s: the ladder has no interest rule.",
                            invoice=move.name,
                        )
                    )
                    continue
                if not partner.is_company and not interest.applies_to_consumers:
                    notes[customer_action].append(
                        _(
                            "%(invoice)s: no interest: the rule applies to businesses "
                            "and the customer is an individual.",
                            invoice=move.name,
                        )
                    )
                    continue
                preset = interest.resolve()
                if preset.index and preset.index not in rates:
                    rates[preset.index] = Rate._ar_rates(preset.index)
                first = move.invoice_date_due + timedelta(days=1)
                last = charged_until.get(move.id)
                if last:
                    first = max(first, last + timedelta(days=1))
                if first > today:
                    continue
                try:
                    computation = accrue_interest(
                        timelines[move.id],
                        move.invoice_date_due,
                        today,
                        rates.get(preset.index, []),
                        preset,
                        move.currency_id.decimal_places,
                        from_date=first,
                    )
                except MissingRate as error:
                    missing[error.index] = error.half_year_start
                    _logger.warning(
                        "Collections: no interest charged on %s: %s", move.name, error
                    )
                    notes[customer_action].append(
                        _(
                            "%(invoice)s: no interest: no %(index)s for the half-year "
                            "from %(date)s (add it to the reference rates).",
                            invoice=move.name,
                            index=INDEXES.get(error.index, error.index),
                            date=error.half_year_start,
                        )
                    )
                    continue
                if computation.amount <= 0:
                    notes[customer_action].append(
                        _("%(invoice)s: no interest accrued.", invoice=move.name)
                    )
                    continue
                basis = self._ar_interest_basis(computation, move.currency_id)
                snapshot = computation.snapshot()
                snapshot["currency"] = move.currency_id.name
                pending.append(
                    {
                        "move": move,
                        "kind": "interest",
                        "amount": computation.amount,
                        "fee_code": False,
                        "step_code": step.code,
                        "action_index": index,
                        "date_from": first,
                        "date_to": today,
                        "basis": basis,
                        "legal_reference": preset.legal_reference,
                        "snapshot": snapshot,
                    }
                )
                notes[customer_action].append(
                    _(
                        "%(invoice)s: interest %(amount)s (%(basis)s)",
                        invoice=move.name,
                        amount=move.currency_id.format(float(computation.amount)),
                        basis=basis,
                    )
                )
        return pending, notes, missing

    @api.model
    def _ar_interest_basis(self, computation, currency):
        """``8 days at 12.50 % on EUR 1,000.00; 23 days at 12.00 % on EUR 600.00``"""
        return "; ".join(
            _(
                "%(days)s days at %(rate)s %% on %(principal)s",
                days=period.days,
                rate=format(period.annual_rate.quantize(Decimal("0.01")), "f"),
                principal=currency.format(float(period.principal)),
            )
            for period in computation.periods
        )

from collections import defaultdict

from odoo import _, api, models

from ..ladder import (
    LADDER_END,
    decide,
    next_step_code,
    step_label,
)
from ..ladder.pauses import Pause

# The engine's reason codes that mean "the next run takes a step".
TAKING_REASONS = ("take", "first_seen_late", "jump")


class ArCollectionRunPosition(models.AbstractModel):
    """Where invoices stand on their ladder today: the run's own facts, the
    engine's own decision, read-only (nothing is written, nothing is sent).

    ``_ar_ladder_positions`` loads the facts of the given invoices with the run's
    loaders (history, pauses, shifts, jumps, the customer's overdue total) and asks
    ``decide`` for today, as ``_run_batch`` does, so the screens say what the next
    run will do and why it waits.
    """

    _inherit = "ar.collection.run"

    @api.model
    def _ar_ladder_positions(self, moves, today=None):
        """{move_id: position} for the open customer invoices among ``moves``.

        A position is a dict: ``ladder`` (record, may be empty), ``reason`` (one of
        the engine's ``REASONS``, or ``no_ladder`` / ``notice_pending``),
        ``next_step`` (code or None), ``next_step_label``, ``next_date`` (None:
        until something changes), ``paused_by`` ([(cause, last paused day or
        None)]), ``overdue`` (the customer's overdue total) and ``minimum``.
        """
        today = self._as_date(today)
        Move = self.env["account.move"]
        moves = moves.filtered_domain(Move._ar_open_invoice_domain())
        positions = {}
        for company in moves.company_id:
            company_moves = moves.filtered(lambda m, c=company: m.company_id == c)
            positions.update(self._ar_company_positions(company, company_moves, today))
        return positions

    @api.model
    def _ar_company_positions(self, company, moves, today):
        moves = moves.with_company(company)
        ladders = self.env["ar.dunning.ladder"]._ar_ladders_for_moves(moves)
        history = self.env["ar.collection.event"]._step_records(moves)
        pending = self.env["ar.collection.event"]._ar_pending_notice_events(
            moves, self._notice_kinds()
        )
        pauses = self._pauses_by_move(moves, today)
        paused = self._get_paused(moves, today, pauses)
        causes = self._ar_pause_causes(moves, today) if paused else {}
        shifts = self._get_shift_days(moves, today, pauses)
        jumps = self._get_jumps(moves, today)
        overdue = self._ar_customer_overdue(company, moves.commercial_partner_id, today)
        positions = {}
        for move in moves:
            ladder = ladders.get(move.id) or self.env["ar.dunning.ladder"]
            position = {
                "ladder": ladder,
                "reason": "no_ladder",
                "next_step": None,
                "next_step_label": None,
                "next_date": None,
                "paused_by": causes.get(move.id, []),
                "overdue": overdue.get(move.commercial_partner_id.id, 0.0),
                "minimum": 0.0,
            }
            positions[move.id] = position
            if not ladder:
                continue
            parsed = ladder._get_parsed()
            position["minimum"] = parsed.minimum_overdue
            if move.id in pending:
                position["reason"] = "notice_pending"
                code = pending[move.id][0].step_code
                position.update(next_step=code, next_step_label=step_label(code))
                continue
            handled, facts = self._invoice_facts(
                move, parsed, history, paused, shifts, jumps
            )
            decision = decide(parsed, facts, today, position["overdue"])
            position["reason"] = decision.reason
            if decision.take:
                step = decision.take
                position.update(next_step=step.code, next_step_label=step.label)
                position["next_date"] = today
                continue
            code = next_step_code(parsed, handled, decision)
            if code:
                step = parsed.steps[parsed._index[code]]
                position.update(next_step=code, next_step_label=step.label)
            if decision.next_date != LADDER_END:
                position["next_date"] = decision.next_date
        return positions

    @api.model
    def _ar_customer_overdue(self, company, partners, today):
        """{commercial partner id: overdue open total, company currency}: the
        amount the run compares with the ladder's minimum."""
        Move = self.env["account.move"]
        groups = Move._read_group(
            Move._ar_open_invoice_domain(company)
            + [
                ("commercial_partner_id", "in", partners.ids),
                ("invoice_date_due", "<", today),
            ],
            ["commercial_partner_id"],
            ["amount_residual_signed:sum"],
        )
        return {partner.id: total for partner, total in groups}

    @api.model
    def _ar_pause_causes(self, moves, today):
        """{move_id: [(what holds the ladder today, its last day or None)]}, from
        the same sources as ``_pauses_by_move`` (case models and exclusions)."""
        causes = defaultdict(list)
        for name in self.env["ar.collection.case.mixin"]._ar_case_models():
            cases = self.env[name]
            for move_id, spans in cases._ar_pauses(moves, today).items():
                for first, last in spans:
                    if Pause(first, last).holds(today):
                        causes[move_id].append((cases._description, last))
        for move_id, found in self._paused_by_exclusion(moves, today).items():
            for pause in found:
                if pause.holds(today):
                    causes[move_id].append((_("Exclusion from dunning"), pause.last))
        return causes

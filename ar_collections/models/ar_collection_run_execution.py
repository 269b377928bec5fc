"""The run's execution: each decision handed to the kind that owns it, then the
events written (an ``_inherit`` of ``ar.collection.run``, split from the run)."""

import logging
from collections import defaultdict

from odoo import _, api, models

from ..ladder import dump_step, group_actions, step_signature
from .ar_collection_run import CustomerAction, _Entry

_logger = logging.getLogger(__name__)

STATE_COUNTS = {"failed": "actions_failed", "waiting": "actions_waiting"}
NOTICE_RETRY_LIMIT = 3


class ArCollectionRun(models.AbstractModel):
    _inherit = "ar.collection.run"

    # Dry run --------------------------------------------------------------------------

    @api.model
    def _propose(self, job, decisions, moves, paused, counts, proposals):
        entries = [
            _Entry.taken(move, ladder, decision)
            for move, ladder, _p, decision in decisions
        ]
        for customer_action in self._customer_actions(job, entries, moves, paused):
            counts[f"{customer_action.kind}_proposed"] += 1
            proposals.append(
                {
                    "type": "message",
                    "partner_id": customer_action.partner.id,
                    "kind": customer_action.kind,
                    "step": customer_action.step.code,
                    "params": dict(customer_action.action.params),
                    "move_ids": customer_action.listed_moves.ids
                    or customer_action.moves.ids,
                }
            )
        for move, ladder, _parsed, decision in decisions:
            counts["steps_proposed"] += bool(decision.take)
            counts["skips_proposed"] += len(decision.skip)
            proposals.append(
                {
                    "type": "invoice",
                    "move_id": move.id,
                    "partner_id": move.commercial_partner_id.id,
                    "ladder_id": ladder.id,
                    "step": decision.take.code if decision.take else None,
                    "skipped": [step.code for step in decision.skip],
                    "reason": decision.reason,
                }
            )

    # Execution ------------------------------------------------------------------------

    @api.model
    def _customer_actions(self, job, entries, moves, paused):
        """Group the actions to carry out by customer and kind (the pure
        ``group_actions``: each group is worded by its most advanced step, the latest
        day); each lists every open overdue invoice of the customer not paused."""
        by_id = {entry.move.id: entry for entry in entries}
        groups = group_actions(
            (
                entry.move.commercial_partner_id.id,
                entry.move.id,
                entry.step,
                entry.step.day,
                [action for _index, action in entry.actions],
            )
            for entry in entries
        )
        open_by_partner = defaultdict(list)
        for move in moves:
            if move.id not in paused and move.invoice_date_due < job.today:
                open_by_partner[move.commercial_partner_id.id].append(move.id)
        Move = self.env["account.move"]
        customer_actions = []
        for group in groups:
            group_moves = Move.browse(list(group.members))
            customer_action = CustomerAction(
                group_moves[0].commercial_partner_id,
                group.kind,
                by_id[group_moves[0].id].ladder,
                job.today,
            )
            customer_action.step = group.step
            customer_action.action = group.action
            customer_action.step_index = group.rank
            customer_action.moves = group_moves
            customer_action.entries = {move.id: by_id[move.id] for move in group_moves}
            listed = group_moves | Move.browse(open_by_partner[group.customer])
            customer_action.listed_moves = listed.sorted(
                lambda m: (m.invoice_date_due, m.id)
            )
            customer_actions.append(customer_action)
        return customer_actions

    @api.model
    def _notice_kinds(self):
        """Kinds that send the customer a notice (e-mail, letter)."""
        return {kind for kind, entry in self._action_kinds().items() if entry.notice}

    @api.model
    def _after_notice_kinds(self):
        """Kinds that wait for the notice of their step to have gone out."""
        return {
            kind for kind, entry in self._action_kinds().items() if entry.after_notice
        }

    @api.model
    def _notice_retry_limit(self):
        """Attempts at a notice before it is left to the collector (system parameter
        ``ar_collections.notice_retry_limit``, default 3)."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("ar_collections.notice_retry_limit")
        )
        try:
            return max(int(value), 1) if value else NOTICE_RETRY_LIMIT
        except ValueError:
            return NOTICE_RETRY_LIMIT

    @api.model
    def _execute(self, job, decisions, retries, moves, paused, counts):
        """Carry out the steps taken and the retries: the notices first, then the
        other kinds; an action that depends on its step's notice waits when the
        notice failed."""
        entries = [
            _Entry.taken(move, ladder, decision)
            for move, ladder, _parsed, decision in decisions
            if decision.take
        ] + retries
        customer_actions = self._customer_actions(job, entries, moves, paused)
        notice_kinds = self._notice_kinds()
        after_notice = self._after_notice_kinds()
        by_kind = defaultdict(list)
        for customer_action in customer_actions:
            by_kind[customer_action.kind].append(customer_action)
        outcomes = {}
        kinds = self._action_kinds()
        for kind in [kind for kind in by_kind if kinds[kind].before_notice]:
            outcomes.update(self._execute_kind(kind, by_kind.pop(kind)))
        for kind in sorted(by_kind, key=lambda kind: kind not in notice_kinds):
            if kind not in notice_kinds:
                break
            outcomes.update(self._execute_kind(kind, by_kind[kind]))
        failed = {
            (customer_action.partner.id, customer_action.kind)
            for customer_action in customer_actions
            if customer_action.kind in notice_kinds
            and outcomes.get(customer_action, {}).get("state") == "failed"
        }
        waiting = {
            entry.move.id
            for entry in entries
            if any(
                (entry.move.commercial_partner_id.id, action.kind) in failed
                for _index, action in entry.actions
                if action.kind in notice_kinds
            )
        }  # the invoices whose step's notice failed
        for kind, kind_actions in by_kind.items():
            if kind in notice_kinds:
                continue
            ready = []
            for customer_action in kind_actions:
                if kind in after_notice:
                    moves_ready = customer_action.moves.filtered(
                        lambda move: move.id not in waiting
                    )
                    customer_action.waiting_moves = customer_action.moves - moves_ready
                    if not moves_ready:
                        outcomes[customer_action] = {"state": "waiting"}
                        continue
                    customer_action.moves = moves_ready
                ready.append(customer_action)
            if ready:
                outcomes.update(self._execute_kind(kind, ready))
        self._create_events(job, decisions, customer_actions, outcomes, counts, waiting)
        self._update_retried_events(
            retries, customer_actions, outcomes, counts, waiting
        )
        return waiting

    @api.model
    def _execute_kind(self, kind, customer_actions):
        """Carry out one kind for the whole batch; on error, customer by customer."""
        handler = self._action_kinds()[kind].handler
        try:
            with self.env.cr.savepoint():
                return handler(customer_actions)
        except Exception:
            _logger.info(
                "Collections: %s failed for a batch; retrying one by one",
                kind,
                exc_info=True,
            )
        outcomes = {}
        for customer_action in customer_actions:
            try:
                with self.env.cr.savepoint():
                    outcomes.update(handler([customer_action]))
            except Exception as error:  # noqa: BLE001 - recorded as a failed event
                _logger.warning(
                    "Collections: %s failed for %s: %s",
                    kind,
                    customer_action.partner.display_name,
                    error,
                )
                outcomes[customer_action] = {
                    "state": "failed",
                    "result": _("Failed: %(error)s", error=str(error)),
                }
        return outcomes

    @api.model
    def _step_event_vals(self, base, step, index, action, stages, snapshot, **values):
        """The event of one action of a ladder step on one invoice."""
        return dict(
            base,
            step_code=step.code,
            step_day=step.day,
            step_signature=step_signature(step),
            action_index=index,
            action_kind=action.kind,
            stage_id=stages[step.stage].id if step.stage else False,
            rule_snapshot=snapshot,
            **values,
        )

    @api.model
    def _create_events(
        self, job, decisions, customer_actions, outcomes, counts, waiting
    ):
        stages = self.env["ar.collection.stage"]._get_by_code()
        action_of = self._action_of(customer_actions)
        after_notice = self._after_notice_kinds()
        vals_list = []
        notes = {}
        skipped = _("Skipped: the invoice entered the ladder later.")
        waiting_result = _("Waiting for the step's notice to go out.")
        for move, ladder, _parsed, decision in decisions:
            base = {
                "move_id": move.id,
                "partner_id": move.commercial_partner_id.id,
                "company_id": job.company.id,
                "ladder_id": ladder.id,
                "date": job.today,
                "amount_residual": move.amount_residual,
                "currency_id": move.currency_id.id,
                "user_id": self.env.uid,
                "notice_id": False,
                "activity_id": False,
            }
            for step in decision.skip:
                snapshot = dump_step(step)
                for index, action in enumerate(step.actions):
                    vals_list.append(
                        self._step_event_vals(
                            base,
                            step,
                            index,
                            action,
                            stages,
                            snapshot,
                            state="skipped",
                            result=skipped,
                        )
                    )
                counts["steps_skipped"] += 1
            step = decision.take
            if not step:
                continue
            snapshot = dump_step(step)
            results = []
            for index, action in enumerate(step.actions):
                customer_action = action_of[(move.id, action.kind)]
                if action.kind in after_notice and move.id in waiting:
                    outcome = {"state": "waiting", "result": waiting_result}
                else:
                    outcome = outcomes.get(customer_action, {"state": "done"})
                if customer_action.step.code != step.code:
                    merged = _(
                        " (in the '%(step)s' message)", step=customer_action.step.code
                    )
                else:
                    merged = ""
                vals_list.append(
                    self._step_event_vals(
                        base,
                        step,
                        index,
                        action,
                        stages,
                        snapshot,
                        state=outcome.get("state", "done"),
                        result=(outcome.get("result") or "") + merged,
                        notice_id=outcome.get("notice_id", False),
                        activity_id=outcome.get("activity_id", False),
                    )
                )
                results.append(outcome.get("result") or action.kind)
                counts[STATE_COUNTS.get(outcome.get("state"), "actions_done")] += 1
            counts["steps_taken"] += 1
            notes[move.id] = _(
                "Collection step %(step)s of ladder %(ladder)s: %(results)s",
                step=step.code,
                ladder=ladder.name,
                results="; ".join(results),
            )
        self.env["ar.collection.event"]._create_log_rows(vals_list)
        self._ar_log_notes(
            self.env["account.move"].browse(list(notes)),
            notes,
            self.env.ref("base.partner_root"),
        )
        kinds = self._action_kinds()
        for customer_action in customer_actions:
            if outcomes.get(customer_action, {}).get("state") not in STATE_COUNTS:
                entry = kinds.get(customer_action.kind)
                counts[(entry and entry.count_key) or customer_action.kind] += 1

    @api.model
    def _action_of(self, customer_actions):
        """{(move id, kind): the customer action carrying out that kind for it}."""
        action_of = {}
        for customer_action in customer_actions:
            for move in customer_action.moves | customer_action.waiting_moves:
                action_of[(move.id, customer_action.kind)] = customer_action
        return action_of

    @api.model
    def _update_retried_events(
        self, retries, customer_actions, outcomes, counts, waiting
    ):
        """Write the outcome of each retried action on its event (one row per action,
        ever: a retry updates it, and counts the attempt)."""
        action_of = self._action_of(customer_actions)
        after_notice = self._after_notice_kinds()
        for entry in retries:
            move = entry.move
            for event in entry.events:
                if event.action_kind in after_notice and move.id in waiting:
                    continue  # still waiting for the notice
                customer_action = action_of.get((move.id, event.action_kind))
                outcome = outcomes.get(customer_action, {"state": "done"})
                vals = {
                    "state": outcome.get("state", "done"),
                    "result": outcome.get("result") or event.result,
                    "date": customer_action.today if customer_action else event.date,
                }
                if outcome.get("notice_id"):
                    vals["notice_id"] = outcome["notice_id"]
                if outcome.get("activity_id"):
                    vals["activity_id"] = outcome["activity_id"]
                if event.state == "failed":
                    vals["attempt_count"] = event.attempt_count + 1
                event.write(vals)
                counts["actions_retried"] += 1
                counts[STATE_COUNTS.get(vals["state"], "actions_done")] += 1

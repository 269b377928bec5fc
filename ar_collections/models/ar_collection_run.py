import logging
import threading
import traceback
import zlib
from collections import Counter, defaultdict
from datetime import timedelta

import psycopg2
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, split_every

from ..ladder import (
    LADDER_END,
    InvoiceFacts,
    decide,
    handled_codes,
    load_step,
    next_step_code,
    select_ladder,
)
from ..ladder.pauses import Pause, broken_promise_jump, held_until, shift_days

_logger = logging.getLogger(__name__)

CUSTOMERS_PER_BATCH = 500
RUN_LOCK_KEY = zlib.crc32(b"ar_collections.run_collections")


class CustomerAction:
    """One action kind to carry out for one customer in one run.

    ``step`` and ``action`` come from the most advanced step, among the customer's
    invoices that took a step with this kind of action, which words the message.
    """

    __slots__ = (
        "action",
        "entries",
        "kind",
        "ladder",
        "listed_moves",
        "moves",
        "partner",
        "step",
        "step_index",
        "today",
        "waiting_moves",
    )

    def __init__(self, partner, kind, ladder, today):
        self.partner = partner
        self.kind = kind
        self.ladder = ladder
        self.today = today
        self.step = None
        self.step_index = -1
        self.action = None
        self.moves = partner.env["account.move"]
        self.listed_moves = partner.env["account.move"]
        self.waiting_moves = partner.env["account.move"]
        self.entries = {}  # {move id: its own step's _Entry}


class _Entry:
    """One invoice's step to carry out in this run: the actions to run, by index,
    and, for a retry, the events to update."""

    __slots__ = ("actions", "events", "ladder", "move", "step")

    def __init__(self, move, ladder, step, actions, events=None):
        self.move = move
        self.ladder = ladder
        self.step = step
        self.actions = actions
        self.events = events

    @classmethod
    def taken(cls, move, ladder, decision):
        step = decision.take
        return cls(move, ladder, step, list(enumerate(step.actions)) if step else [])

    @classmethod
    def retry(cls, move, ladder, events):
        """The pending actions of the step, as it was when it was taken."""
        step = load_step(events[0].rule_snapshot)
        actions = [
            (event.action_index, step.actions[event.action_index])
            for event in events
            if event.action_index < len(step.actions)
        ]
        return cls(move, ladder, step, actions, events)


class ArCollectionRun(models.AbstractModel):
    """The collections run: invoices to facts, the pure engine, decisions to records.

    Work is done per company, in batches of customers; each batch is one transaction
    (committed when not in a test), so a crash loses at most the batch in progress and
    the next run redoes it. A step is recorded at most once per invoice (unique index on
    the events), so no message is ever sent twice.

    Action kinds are registered on ``ar.collection.action`` (one registration per
    kind, in the files of the capability that owns it): each handler takes the list
    of CustomerAction of one kind in the batch and returns, per CustomerAction, a
    dict of event values (``state``, ``result``, ``notice_id``, ``activity_id``).
    """

    _name = "ar.collection.run"
    _description = "Collections run"

    # Entry points ---------------------------------------------------------------------

    @api.model
    def _check_can_run(self):
        if not self.env.su and not self.env.user.has_group(
            "ar_collections.group_collections_manager"
        ):
            raise AccessError(
                _("Only a collections manager can run the dunning ladders.")
            )

    @api.model
    def _run(self, today=None, dry_run=False, ladders=None):
        """Run the ladders of the current companies.

        :param ladders: restrict to these ladders (preview of one ladder)
        :return: counts; with ``dry_run`` also ``proposals`` (what would happen)
        """
        today = self._as_date(today)
        counts = Counter()
        proposals = []
        if not dry_run and not self._try_lock():
            _logger.info("Collections run skipped: another run is in progress")
            return {"already_running": 1}
        try:
            for company in self.env.companies:
                self._run_company(company, today, dry_run, counts, proposals, ladders)
        finally:
            if not dry_run:
                self._unlock()
        result = dict(counts)
        if dry_run:
            result["proposals"] = proposals
        _logger.info(
            "Collections run as of %s (dry run: %s): %s", today, dry_run, dict(counts)
        )
        return result

    @api.model
    def _as_date(self, today):
        if not today:
            return fields.Date.context_today(self)
        return fields.Date.to_date(today)

    @api.model
    def _try_lock(self):
        """One run at a time per database: a session lock survives the batch commits."""
        self.env.cr.execute(SQL("SELECT pg_try_advisory_lock(%s)", RUN_LOCK_KEY))
        return self.env.cr.fetchone()[0]

    @api.model
    def _unlock(self):
        """Release the run's lock, even when the transaction was broken by a database
        error: a session lock outlives the transaction, and a connection going back
        to the pool with it would block every later run."""
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute(SQL("SELECT pg_advisory_unlock(%s)", RUN_LOCK_KEY))
        except psycopg2.Error:
            cr.rollback()
            cr.execute(SQL("SELECT pg_advisory_unlock(%s)", RUN_LOCK_KEY))

    @api.model
    def _in_test(self):
        return getattr(threading.current_thread(), "testing", False)

    # Per company ----------------------------------------------------------------------

    @api.model
    def _run_company(self, company, today, dry_run, counts, proposals, only_ladders):
        """One company's run, batch by batch. A batch that fails is rolled back,
        logged on the company's ladders and retried by the next run (its invoices
        keep their schedule); the other batches and companies go on."""
        ladders = self.env["ar.dunning.ladder"].search(
            [("company_id", "=", company.id)], order="sequence, id"
        )
        if not ladders:
            return
        try:
            with self.env.cr.savepoint():
                if not dry_run:
                    self._before_company_run(company, today)
                job = _RunJob(self, company, ladders, today, dry_run, only_ladders)
                partner_ids = self._due_partner_ids(company, today)
        except Exception as error:  # noqa: BLE001 - logged, the other companies go on
            self._log_failure(ladders, today, error)
            counts["companies_failed"] += 1
            return
        batches = [
            list(batch) for batch in split_every(self._batch_size(), partner_ids)
        ]
        self._ar_dispatch_batches(job, batches, counts, proposals)

    @api.model
    def _ar_dispatch_batches(self, job, batches, counts, proposals):
        """Carry out one company's batches of customer ids: here in-process, one
        transaction each (committed when not in a test). ``ar_collections_queue``
        enqueues them as jobs instead."""
        total = sum(len(batch) for batch in batches)
        done = 0
        for batch in batches:
            self._run_batch_safely(job, batch, counts, proposals)
            done += len(batch)
            if not job.dry_run:
                self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
                if not self._in_test():
                    self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _batch_size(self):
        """Customers per batch (system parameter ``ar_collections.run_batch_size``)."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("ar_collections.run_batch_size")
        )
        try:
            return max(int(value), 1) if value else CUSTOMERS_PER_BATCH
        except ValueError:
            return CUSTOMERS_PER_BATCH

    @api.model
    def _due_partner_ids(self, company, today):
        moves = self.env["account.move"]
        due_domain = moves._ar_open_invoice_domain(company) + [
            "|",
            ("collection_next_date", "=", False),
            ("collection_next_date", "<=", today),
        ]
        groups = moves._read_group(due_domain, ["commercial_partner_id"])
        return sorted(partner.id for (partner,) in groups)

    @api.model
    def _run_batch_safely(self, job, partner_ids, counts, proposals):
        """Run one batch in a savepoint; on any error roll it back and log it."""
        batch_counts = Counter()
        batch_proposals = []
        try:
            with self.env.cr.savepoint():
                self._run_batch(job, partner_ids, batch_counts, batch_proposals)
        except Exception as error:  # noqa: BLE001 - logged, retried by the next run
            counts["batches_failed"] += 1
            partners = self.env["res.partner"].browse(partner_ids)
            self._log_failure(job.ladders, job.today, error, partners)
            return
        counts.update(batch_counts)
        proposals.extend(batch_proposals)

    @api.model
    def _log_failure(self, ladders, today, error, partners=None):
        """Say on the ladders' chatter (where managers look) what failed and why."""
        _logger.error(
            "Collections run of %s failed for %s customer(s) of %s; rolled back, "
            "retried next run",
            today,
            len(partners) if partners else "all",
            ladders.company_id.name,
            exc_info=error,
        )
        if partners:
            names = ", ".join(partners[:10].mapped("display_name"))
            if len(partners) > 10:
                names += ", ..."
            what = _(
                "a batch of %(count)s customer(s) (%(names)s)",
                count=len(partners),
                names=names,
            )
        else:
            what = _(
                "the preparation of company %(company)s",
                company=ladders.company_id.name,
            )
        body = Markup("<p>%s</p><pre>%s</pre>") % (
            _(
                "Collections run of %(date)s: %(what)s failed and was rolled back; it "
                "will be retried on the next run. Error: %(error)s",
                date=today,
                what=what,
                error=str(error) or type(error).__name__,
            ),
            "".join(traceback.format_exception(error))[-2000:],
        )
        for ladder in ladders:
            ladder.sudo().message_post(
                body=body,
                message_type="notification",
                subtype_xmlid="mail.mt_note",
                author_id=self.env.ref("base.partner_root").id,
            )

    # Per batch of customers -----------------------------------------------------------

    @api.model
    def _invoice_facts(self, move, parsed, history, paused, shifts, jumps):
        """(handled step codes, ``InvoiceFacts``) of one invoice on its ladder, from
        the batch's history, pauses, shifts and jumps: what the engine decides on."""
        records, last_done = history[move.id]
        handled = handled_codes(parsed, records)
        pause_until = paused.get(move.id, False)
        return handled, InvoiceFacts(
            move_id=move.id,
            due_date=move.invoice_date_due,
            handled_steps=handled,
            last_done_date=last_done,
            paused=pause_until is not False,
            paused_until=pause_until or None,
            shift_days=shifts.get(move.id, 0),
            jump_to=jumps.get(move.id),
        )

    @api.model
    def _run_batch(self, job, partner_ids, counts, proposals):
        company, today = job.company, job.today
        Move = self.env["account.move"].with_company(company)
        partners = self.env["res.partner"].with_company(company).browse(partner_ids)
        moves = Move.search(
            Move._ar_open_invoice_domain(company)
            + [("commercial_partner_id", "in", partner_ids)],
            order="invoice_date_due, id",
        )
        history = self.env["ar.collection.event"]._step_records(moves)
        pending = self.env["ar.collection.event"]._ar_pending_notice_events(
            moves, self._notice_kinds()
        )
        retry_limit = self._notice_retry_limit()
        pauses = self._pauses_by_move(moves, today)
        paused = self._get_paused(moves, today, pauses)
        shifts = self._get_shift_days(moves, today, pauses)
        jumps = self._get_jumps(moves, today)
        overdue = defaultdict(float)
        for move in moves:
            if move.invoice_date_due < today:
                overdue[move.commercial_partner_id.id] += move.amount_residual_signed
        ladder_by_partner = {
            partner.id: job.ladder_for(partner, overdue[partner.id])
            for partner in partners
        }

        schedule = {}
        decisions = []
        retries = []
        for move in moves:
            if move.collection_next_date and move.collection_next_date > today:
                continue
            partner_id = move.commercial_partner_id.id
            ladder = ladder_by_partner[partner_id]
            if not ladder:
                schedule[move.id] = (LADDER_END, None, None)
                continue
            if job.only_ladders and ladder not in job.only_ladders:
                continue
            if move.id in pending:
                # A notice of its last step has not gone out: the ladder waits for
                # it; it is retried (up to the limit), then left to the collector.
                events = pending[move.id]
                counts["invoices_evaluated"] += 1
                failed = events.filtered(lambda e: e.state == "failed")
                if failed and max(failed.mapped("attempt_count")) >= retry_limit:
                    next_date = LADDER_END
                else:
                    next_date = today + timedelta(days=1)
                    if move.id not in paused:
                        retries.append(_Entry.retry(move, ladder, events))
                schedule[move.id] = (next_date, events[0].step_code, ladder.id)
                continue
            parsed = job.parsed[ladder.id]
            handled, facts = self._invoice_facts(
                move, parsed, history, paused, shifts, jumps
            )
            decision = decide(parsed, facts, today, overdue[partner_id])
            counts["invoices_evaluated"] += 1
            next_step = next_step_code(parsed, handled, decision)
            schedule[move.id] = (decision.next_date, next_step, ladder.id)
            if decision.take or decision.skip:
                decisions.append((move, ladder, parsed, decision))
        if job.dry_run:
            self._propose(job, decisions, moves, paused, counts, proposals)
            return
        if decisions or retries:
            pending_ids = self._execute(job, decisions, retries, moves, paused, counts)
            for move_id in pending_ids:  # look again tomorrow
                next_step = schedule[move_id][1:]
                schedule[move_id] = (today + timedelta(days=1), *next_step)
        self.env["account.move"]._ar_write_schedule(schedule)

    # Extension points -----------------------------------------------------------------

    @api.model
    def _before_company_run(self, company, today):
        """Housekeeping that must see today's state before any step is decided."""
        self.env["ar.credit.hold"]._release_paid(companies=company, today=today)
        # broken promises, breached plans, collector assignment rules
        self.env["ar.collection.daily.check"]._before_run(company, today)

    @api.model
    def _action_kinds(self):
        """The installed action kinds: {kind: ActionKind} (see ar.collection.action)."""
        return self.env["ar.collection.action"]._ar_action_kinds()

    @api.model
    def _assignee(self, partner, assign):
        """The user an activity or a legal case goes to: collector, salesperson or a
        login."""
        return self.env["ar.collection.action"]._ar_assignee(partner, assign)

    @api.model
    def _pauses_by_move(self, moves, today):
        """{move_id: [Pause]}: what holds each invoice's ladder, from every case
        model (``ar.collection.case.mixin``) and the exclusions; a few queries per
        model for the whole batch."""
        pauses = defaultdict(list)
        for name in self.env["ar.collection.case.mixin"]._ar_case_models():
            cases = self.env[name]
            shifts = cases._ar_pause_shifts_ladder
            for move_id, spans in cases._ar_pauses(moves, today).items():
                pauses[move_id].extend(
                    Pause(first, last, shifts) for first, last in spans
                )
        for move_id, found in self._paused_by_exclusion(moves, today).items():
            pauses[move_id].extend(found)
        return pauses

    @api.model
    def _get_paused(self, moves, today, pauses=None):
        """{move_id: last paused day, or None when paused until something changes}
        for the invoices held today (see ``ladder.pauses.held_until``); ``pauses``:
        what ``_pauses_by_move`` gives, when the caller has it already."""
        if pauses is None:
            pauses = self._pauses_by_move(moves, today)
        paused = {}
        for move_id, move_pauses in pauses.items():
            held, until = held_until(move_pauses, today)
            if held:
                paused[move_id] = until
        return paused

    @api.model
    def _paused_by_exclusion(self, moves, today):
        """{move_id: [Pause]}: the invoice or its customer is excluded from the
        ladder (until a day, or for good)."""
        paused = defaultdict(list)
        for move in moves:
            for holder in (move, move.commercial_partner_id):
                if holder.collection_excluded:
                    paused[move.id].append(
                        Pause(None, holder.collection_exclusion_until or None)
                    )
        return paused

    @api.model
    def _get_shift_days(self, moves, today, pauses=None):
        """{move_id: days the ladder timing is pushed back}: the days spent paused
        by cases that shift the ladder (promises, disputes, payment plans), counted
        once, from the day the invoice's ladder's first step fell due up to
        yesterday (see ``ladder.pauses.shift_days``)."""
        if pauses is None:
            pauses = self._pauses_by_move(moves, today)
        shifting = moves.filtered(
            lambda move: any(pause.shifts for pause in pauses.get(move.id, ()))
        )
        if not shifting:
            return {}
        ladders = self.env["ar.dunning.ladder"]._ar_ladders_for_moves(shifting)
        shifts = {}
        for move in shifting:
            ladder = ladders.get(move.id)
            steps = ladder._get_parsed().steps if ladder else ()
            days = shift_days(
                pauses[move.id],
                move.invoice_date_due,
                steps[0].day if steps else 0,
                today,
            )
            if days:
                shifts[move.id] = days
        return shifts

    @api.model
    def _get_jumps(self, moves, today):
        """{move_id: step code to jump to now}: the ladder's ``on_broken_promise``
        step for invoices whose latest promise was broken, until it is handled."""
        latest = self.env["ar.collection.promise"]._ar_latest_states(moves)
        broken = moves.filtered(lambda move: latest.get(move.id) == "broken")
        if not broken:
            return {}
        ladders = self.env["ar.dunning.ladder"]._ar_ladders_for_moves(broken)
        history = self.env["ar.collection.event"]._step_history(broken)
        jumps = {}
        for move in broken:
            ladder = ladders.get(move.id)
            if not ladder:
                continue
            step = broken_promise_jump(
                latest[move.id],
                ladder._get_parsed().on_broken_promise,
                history[move.id][0],
            )
            if step:
                jumps[move.id] = step
        return jumps

    def _describe_counts(self, counts):
        if counts.get("already_running"):
            return _("Another collections run is in progress; nothing was done.")
        return _(
            "%(evaluated)s invoices looked at, %(taken)s steps taken, "
            "%(skipped)s skipped; "
            "%(emails)s e-mails, %(letters)s letters, %(activities)s activities; "
            "%(failed)s actions failed.",
            evaluated=counts.get("invoices_evaluated", 0),
            taken=counts.get("steps_taken", 0),
            skipped=counts.get("steps_skipped", 0),
            emails=counts.get("emails", 0),
            letters=counts.get("letters", 0),
            activities=counts.get("activities", 0),
            failed=counts.get("actions_failed", 0),
        )


class _RunJob:
    """What one company's run needs at hand: its ladders, parsed once."""

    def __init__(self, run, company, ladders, today, dry_run, only_ladders):
        self.company = company
        self.today = today
        self.dry_run = dry_run
        self.only_ladders = only_ladders
        self.ladders = ladders
        self.parsed = {ladder.id: ladder._get_parsed() for ladder in ladders}
        self.default = company.ar_default_ladder_id
        self.candidates = [(ladder.id, self.parsed[ladder.id]) for ladder in ladders]

    def ladder_for(self, partner, overdue=None):
        """Customer override, else the first matching ladder, else the default, else
        the fallback (``ladder.select_ladder``). ``overdue``: the customer's overdue
        total in company currency (None: the customer's overdue amount today)."""
        if overdue is None and any(
            ladder.applies_to and ladder.applies_to.min_overdue is not None
            for _key, ladder in self.candidates
        ):
            overdue = partner.with_company(self.company).collection_overdue_amount
        key = select_ladder(
            self.candidates,
            partner.category_id.mapped("name"),
            partner.country_id.code,
            override=partner.collection_ladder_id.id or None,
            default=self.default.id or None,
            overdue=overdue,
        )
        return self.ladders.browse(key) if key else self.ladders.browse()

import logging
import threading
import zlib
from collections import Counter, defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, formatLang, split_every

from ..ladder import LADDER_END, InvoiceFacts, decide, dump_step

_logger = logging.getLogger(__name__)

CUSTOMERS_PER_BATCH = 500
RUN_LOCK_KEY = zlib.crc32(b"ar_collections.run_collections")
COUNT_KEYS = {"email": "emails", "letter": "letters", "activity": "activities"}
ACTIVITY_TYPES = {
    "call": "mail.mail_activity_data_call",
    "email": "mail.mail_activity_data_email",
    "meeting": "mail.mail_activity_data_meeting",
    "todo": "mail.mail_activity_data_todo",
}


class CustomerAction:
    """One action kind to carry out for one customer in one run.

    ``step`` and ``action`` come from the most advanced step, among the customer's
    invoices that took a step with this kind of action, which words the message.
    """

    __slots__ = (
        "action",
        "kind",
        "ladder",
        "listed_moves",
        "moves",
        "partner",
        "step",
        "step_index",
        "today",
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

    def add(self, move, step, step_index, action):
        self.moves |= move
        if step_index > self.step_index:
            self.step, self.step_index, self.action = step, step_index, action


class ArCollectionRun(models.AbstractModel):
    """The collections run: invoices to facts, the pure engine, decisions to records.

    Work is done per company, in batches of customers; each batch is one transaction
    (committed when not in a test), so a crash loses at most the batch in progress and
    the next run redoes it. A step is recorded at most once per invoice (unique index on
    the events), so no message is ever sent twice.

    Action kinds are registered in ``_action_handlers``: each handler takes the list of
    CustomerAction of one kind in the batch and returns, per CustomerAction, a dict of
    event values (``state``, ``result``, ``notice_id``, ``activity_id``).
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
        self.env.cr.execute(SQL("SELECT pg_advisory_unlock(%s)", RUN_LOCK_KEY))

    @api.model
    def _in_test(self):
        return getattr(threading.current_thread(), "testing", False)

    # Per company ----------------------------------------------------------------------

    @api.model
    def _run_company(self, company, today, dry_run, counts, proposals, only_ladders):
        ladders = self.env["ar.dunning.ladder"].search(
            [("company_id", "=", company.id)], order="sequence, id"
        )
        if not ladders:
            return
        if not dry_run:
            self._before_company_run(company, today)
        job = _RunJob(self, company, ladders, today, dry_run, only_ladders)
        moves = self.env["account.move"]
        due_domain = moves._ar_open_invoice_domain(company) + [
            "|",
            ("collection_next_date", "=", False),
            ("collection_next_date", "<=", today),
        ]
        groups = moves._read_group(due_domain, ["commercial_partner_id"])
        partner_ids = sorted(partner.id for (partner,) in groups)
        done = 0
        for batch in split_every(CUSTOMERS_PER_BATCH, partner_ids):
            # A failing batch is undone here: the transaction stays usable, so the
            # run lock is released and the error raised is the batch's own.
            with self.env.cr.savepoint():
                self._run_batch(job, list(batch), counts, proposals)
            done += len(batch)
            if not dry_run:
                self.env["ir.cron"]._notify_progress(
                    done=done, remaining=len(partner_ids) - done
                )
                if not self._in_test():
                    self.env.cr.commit()  # pylint: disable=invalid-commit

    # Per batch of customers -----------------------------------------------------------

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
        history = self.env["ar.collection.event"]._step_history(moves)
        paused = self._get_paused(moves, today)
        shifts = self._get_shift_days(moves, today)
        jumps = self._get_jumps(moves, today)
        overdue = defaultdict(float)
        for move in moves:
            if move.invoice_date_due < today:
                overdue[move.commercial_partner_id.id] += move.amount_residual_signed
        ladder_by_partner = {
            partner.id: job.ladder_for(partner) for partner in partners
        }

        schedule = {}
        decisions = []
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
            parsed = job.parsed[ladder.id]
            handled, last_done = history[move.id]
            pause_until = paused.get(move.id, False)
            facts = InvoiceFacts(
                move_id=move.id,
                due_date=move.invoice_date_due,
                handled_steps=frozenset(handled),
                last_done_date=last_done,
                paused=pause_until is not False,
                paused_until=pause_until or None,
                shift_days=shifts.get(move.id, 0),
                jump_to=jumps.get(move.id),
            )
            decision = decide(parsed, facts, today, overdue[partner_id])
            counts["invoices_evaluated"] += 1
            next_step = self._next_step_code(parsed, handled, decision)
            schedule[move.id] = (decision.next_date, next_step, ladder.id)
            if decision.take or decision.skip:
                decisions.append((move, ladder, parsed, decision))
        if job.dry_run:
            self._propose(job, decisions, moves, paused, counts, proposals)
            return
        if decisions:
            self._execute(job, decisions, moves, paused, counts)
        self.env["account.move"]._ar_write_schedule(schedule)

    @api.model
    def _next_step_code(self, parsed, handled, decision):
        codes = set(handled)
        if decision.take:
            codes.add(decision.take.code)
        codes.update(step.code for step in decision.skip)
        positions = [
            index for index, step in enumerate(parsed.steps) if step.code in codes
        ]
        following = max(positions) + 1 if positions else 0
        return parsed.steps[following].code if following < len(parsed.steps) else None

    # Extension points -----------------------------------------------------------------

    @api.model
    def _before_company_run(self, company, today):
        """Housekeeping that must see today's state before any step is decided."""
        self.env["ar.credit.hold"]._release_paid(companies=company, today=today)
        # broken promises, breached plans, collector assignment rules
        self.env["ar.collection.worklist"]._before_run(company, today)

    @api.model
    def _action_handlers(self):
        """Action kind -> method carrying it out for a list of CustomerAction.

        A kind missing here is "not installed": ladders naming it are refused.
        """
        return {
            "email": self._action_email,
            "letter": self._action_letter,
            "activity": self._action_activity,
            "credit_hold": self.env["ar.credit.hold"]._ar_ladder_action,
            "request_write_off": self.env["ar.write.off.request"]._ar_ladder_action,
            "refer_to_agency": self.env["ar.agency.referral"]._ar_ladder_action,
            "legal": self.env["ar.legal.case"]._ar_ladder_action,
        }

    @api.model
    def _pause_sources(self):
        """Methods (moves, today) -> {move_id: last paused day or None (open-ended)}.

        Each cause of a pause (exclusion, dispute, promise, plan, referral...) is one.
        """
        return [
            self._paused_by_exclusion,
            self.env["ar.collection.promise"]._paused_by_promise,
            self.env["ar.collection.dispute"]._paused_by_dispute,
            self.env["ar.payment.plan"]._paused_by_plan,
            self.env["ar.agency.referral"]._paused_by_referral,
            self.env["ar.legal.case"]._paused_by_legal_case,
        ]

    @api.model
    def _get_paused(self, moves, today):
        """{move_id: last paused day, or None when paused until something changes}."""
        paused = {}
        for source in self._pause_sources():
            for move_id, until in source(moves, today).items():
                self._merge_pause(paused, move_id, until)
        return paused

    @api.model
    def _paused_by_exclusion(self, moves, today):
        paused = {}
        for move in moves:
            for holder in (move, move.commercial_partner_id):
                if holder.collection_excluded and (
                    not holder.collection_exclusion_until
                    or holder.collection_exclusion_until >= today
                ):
                    self._merge_pause(
                        paused, move.id, holder.collection_exclusion_until
                    )
        return paused

    @api.model
    def _merge_pause(self, paused, move_id, until):
        """Record a pause cause; the one that lasts longest wins (None: open-ended)."""
        until = until or None
        current = paused.get(move_id, False)
        if current is False or (
            current is not None and (until is None or until > current)
        ):
            paused[move_id] = until

    @api.model
    def _get_shift_days(self, moves, today):
        """{move_id: days the ladder timing is pushed back}: the days spent paused by
        promises, disputes and payment plans (not exclusions), see
        ``ar.collection.worklist._shift_days``."""
        return self.env["ar.collection.worklist"]._shift_days(moves, today)

    @api.model
    def _get_jumps(self, moves, today):
        """{move_id: step code to jump to now} (e.g. after a broken promise)."""
        return self.env["ar.collection.promise"]._jumps(moves, today)

    # Dry run --------------------------------------------------------------------------

    @api.model
    def _propose(self, job, decisions, moves, paused, counts, proposals):
        for customer_action in self._customer_actions(job, decisions, moves, paused):
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
    def _customer_actions(self, job, decisions, moves, paused):
        """Group the actions of the steps taken by customer and kind."""
        grouped = {}
        for move, ladder, parsed, decision in decisions:
            step = decision.take
            if not step:
                continue
            step_index = parsed.step_index(step.code)
            for action in step.actions:
                key = (move.commercial_partner_id.id, action.kind)
                if key not in grouped:
                    grouped[key] = CustomerAction(
                        move.commercial_partner_id, action.kind, ladder, job.today
                    )
                grouped[key].add(move, step, step_index, action)
        open_by_partner = defaultdict(lambda: self.env["account.move"])
        for move in moves:
            if move.id not in paused and move.invoice_date_due < job.today:
                open_by_partner[move.commercial_partner_id.id] |= move
        for customer_action in grouped.values():
            listed = customer_action.moves | open_by_partner[customer_action.partner.id]
            customer_action.listed_moves = listed.sorted(
                lambda m: (m.invoice_date_due, m.id)
            )
        return list(grouped.values())

    @api.model
    def _execute(self, job, decisions, moves, paused, counts):
        customer_actions = self._customer_actions(job, decisions, moves, paused)
        by_kind = defaultdict(list)
        for customer_action in customer_actions:
            by_kind[customer_action.kind].append(customer_action)
        outcomes = {}
        for kind, kind_actions in by_kind.items():
            outcomes.update(self._execute_kind(kind, kind_actions))
        self._create_events(job, decisions, customer_actions, outcomes, counts)

    @api.model
    def _execute_kind(self, kind, customer_actions):
        """Carry out one kind for the whole batch; on error, customer by customer."""
        handler = self._action_handlers()[kind]
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
    def _create_events(self, job, decisions, customer_actions, outcomes, counts):
        stages = self.env["ar.collection.stage"]._get_by_code()
        action_of = {}
        for customer_action in customer_actions:
            for move in customer_action.moves:
                action_of[(move.id, customer_action.kind)] = customer_action
        vals_list = []
        notes = {}
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
                        dict(
                            base,
                            step_code=step.code,
                            action_index=index,
                            action_kind=action.kind,
                            stage_id=stages[step.stage].id if step.stage else False,
                            state="skipped",
                            result=_("Skipped: the invoice entered the ladder later."),
                            rule_snapshot=snapshot,
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
                outcome = outcomes.get(customer_action, {"state": "done"})
                if customer_action.step.code != step.code:
                    merged = _(
                        " (in the '%(step)s' message)", step=customer_action.step.code
                    )
                else:
                    merged = ""
                vals_list.append(
                    dict(
                        base,
                        step_code=step.code,
                        action_index=index,
                        action_kind=action.kind,
                        stage_id=stages[step.stage].id if step.stage else False,
                        state=outcome.get("state", "done"),
                        result=(outcome.get("result") or "") + merged,
                        notice_id=outcome.get("notice_id", False),
                        activity_id=outcome.get("activity_id", False),
                        rule_snapshot=snapshot,
                    )
                )
                results.append(outcome.get("result") or action.kind)
                counts[
                    "actions_failed"
                    if outcome.get("state") == "failed"
                    else "actions_done"
                ] += 1
            counts["steps_taken"] += 1
            notes[move.id] = _(
                "Collection step %(step)s of ladder %(ladder)s: %(results)s",
                step=step.code,
                ladder=ladder.name,
                results="; ".join(results),
            )
        self.env["ar.collection.event"]._create_log_rows(vals_list)
        if notes:
            self.env["account.move"].browse(list(notes))._message_log_batch(
                bodies=notes, author_id=self.env.ref("base.partner_root").id
            )
        for customer_action in customer_actions:
            if outcomes.get(customer_action, {}).get("state") != "failed":
                counts[COUNT_KEYS.get(customer_action.kind, customer_action.kind)] += 1

    # Action kinds ---------------------------------------------------------------------

    @api.model
    def _create_notices(self, customer_actions, channel):
        stages = self.env["ar.collection.stage"]._get_by_code()
        recipients = self._invoice_contacts([ca.partner for ca in customer_actions])
        cache = {}
        vals_list = []
        for customer_action in customer_actions:
            partner = customer_action.partner
            recipient_id = recipients[partner.id]
            template = self._ref(customer_action.action.params["template"], cache)
            step = customer_action.step
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "recipient_id": recipient_id,
                    "company_id": customer_action.moves.company_id[:1].id,
                    "ladder_id": customer_action.ladder.id,
                    "step_code": step.code,
                    "stage_id": stages[step.stage].id if step.stage else False,
                    "channel": channel,
                    "date": customer_action.today,
                    "template_id": template.id,
                    "move_ids": [(6, 0, customer_action.listed_moves.ids)],
                }
            )
        return self.env["ar.collection.notice"].create(vals_list)

    @api.model
    def _ref(self, xmlid, cache):
        """``env.ref`` once per batch: each call checks that the record exists."""
        if xmlid not in cache:
            cache[xmlid] = self.env.ref(xmlid)
        return cache[xmlid]

    @api.model
    def _invoice_contacts(self, partners):
        """{partner id: its invoicing contact's id, or its own}, in one query."""
        partner_ids = [partner.id for partner in partners]
        contacts = self.env["res.partner"].search(
            [("parent_id", "in", partner_ids), ("type", "=", "invoice")],
            order="id desc",
        )
        by_parent = {contact.parent_id.id: contact.id for contact in contacts}
        return {
            partner_id: by_parent.get(partner_id, partner_id)
            for partner_id in partner_ids
        }

    @api.model
    def _render_notices(self, notices, render_fields):
        """Render the notices with their templates: {notice_id: rendered values}."""
        rendered = {}
        for template in notices.template_id:
            batch = notices.filtered(lambda notice, t=template: notice.template_id == t)
            rendered.update(template._generate_template(batch.ids, render_fields))
        return rendered

    @api.model
    def _action_email(self, customer_actions):
        notices = self._create_notices(customer_actions, "email")
        rendered = self._render_notices(notices, ["subject", "body_html", "email_from"])
        comment = self.env.ref("mail.mt_comment")
        # attach_statement: the customers' statements of open items, rendered at once
        statement_partners = self.env["res.partner"].union(
            *(
                action.partner
                for action, notice in zip(customer_actions, notices, strict=True)
                if action.action.params.get("attach_statement")
                and notice.recipient_id.email
            )
        )
        statements = (
            statement_partners._ar_statement_attachments(notices.company_id[:1])
            if statement_partners
            else {}
        )
        mail_vals, sending = [], []
        outcomes = {}
        for customer_action, notice in zip(customer_actions, notices, strict=True):
            recipient = notice.recipient_id
            if not recipient.email:
                notice.state = "failed"
                outcomes[customer_action] = {
                    "state": "failed",
                    "result": _(
                        "No e-mail address on %(partner)s",
                        partner=recipient.display_name,
                    ),
                    "notice_id": notice.id,
                }
                continue
            values = rendered[notice.id]
            mail_vals.append(
                {
                    "model": "res.partner",
                    "res_id": customer_action.partner.id,
                    "record_name": customer_action.partner.display_name,
                    "message_type": "comment",
                    "subtype_id": comment.id,
                    "subject": values.get("subject"),
                    # The chatter shows a summary; the e-mail itself is in body_html
                    # and on the notice (sanitising each full e-mail again for the
                    # chatter would cost more than the rest of the run).
                    "body": self._chatter_summary(notice, values.get("subject")),
                    "body_html": values.get("body_html"),
                    "email_from": values.get("email_from")
                    or notice.company_id.email_formatted,
                    # Replies go to the sender; left empty, Odoo looks up the
                    # customer's mail alias once per message.
                    "reply_to": values.get("email_from")
                    or notice.company_id.email_formatted,
                    "author_id": notice.company_id.partner_id.id,
                    "recipient_ids": [(4, recipient.id)],
                    "partner_ids": [(4, recipient.id)],
                    "attachment_ids": [(4, statements[customer_action.partner.id].id)]
                    if customer_action.partner.id in statements
                    else [],
                    "auto_delete": False,
                    "state": "outgoing",
                }
            )
            sending.append((customer_action, notice))
        mails = self.env["mail.mail"].sudo().create(mail_vals)
        for (customer_action, notice), mail in zip(sending, mails, strict=True):
            notice.mail_message_id = mail.mail_message_id
            outcomes[customer_action] = {
                "state": "done",
                "result": _(
                    "E-mail '%(subject)s' queued to %(email)s",
                    subject=mail.subject,
                    email=notice.recipient_id.email,
                ),
                "notice_id": notice.id,
            }
        return outcomes

    @api.model
    def _chatter_summary(self, notice, subject):
        return Markup("<p>%s</p>") % _(
            "Reminder e-mail '%(subject)s' (step %(step)s) about %(count)s invoice(s): "
            "%(invoices)s",
            subject=subject or "",
            step=notice.step_code,
            count=len(notice.move_ids),
            invoices=", ".join(notice.move_ids.mapped("name")),
        )

    @api.model
    def _action_letter(self, customer_actions):
        notices = self._create_notices(customer_actions, "letter")
        rendered = self._render_notices(notices, ["body_html"])
        for notice in notices:
            notice.letter_body = rendered[notice.id].get("body_html")
        report = self.env.ref("ar_collections.action_report_collection_letter")
        streams = self.env["ir.actions.report"]._render_qweb_pdf_prepare_streams(
            report, {}, res_ids=notices.ids
        )
        pairs = list(zip(customer_actions, notices, strict=True))
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": _(
                        "Letter %(step)s %(date)s.pdf",
                        step=notice.step_code,
                        date=notice.date,
                    ),
                    "raw": streams[notice.id]["stream"].getvalue(),
                    "mimetype": "application/pdf",
                    "res_model": "res.partner",
                    "res_id": customer_action.partner.id,
                }
                for customer_action, notice in pairs
            ]
        )
        outcomes = {}
        for (customer_action, notice), attachment in zip(
            pairs, attachments, strict=True
        ):
            notice.attachment_id = attachment
            customer_action.partner.message_post(
                body=_(
                    "Collection letter to print and send (step %(step)s).",
                    step=notice.step_code,
                ),
                attachment_ids=attachment.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            outcomes[customer_action] = {
                "state": "done",
                "result": _("Letter ready to print: %(name)s", name=attachment.name),
                "notice_id": notice.id,
            }
        return outcomes

    @api.model
    def _action_activity(self, customer_actions):
        partner_model = self.env["ir.model"]._get_id("res.partner")
        cache = {}
        vals_list = []
        for customer_action in customer_actions:
            params = customer_action.action.params
            activity_xmlid = ACTIVITY_TYPES[params.get("type") or "call"]
            activity_type = self._ref(activity_xmlid, cache)
            user = self._assignee(
                customer_action.partner, params.get("assign") or "collector"
            )
            vals_list.append(
                {
                    "res_model_id": partner_model,
                    "res_id": customer_action.partner.id,
                    "activity_type_id": activity_type.id,
                    "summary": params.get("summary")
                    or activity_type.summary
                    or activity_type.name,
                    "note": self._activity_note(customer_action),
                    "date_deadline": customer_action.today
                    + timedelta(days=params.get("due_in_days") or 0),
                    "user_id": user.id,
                }
            )
        activities = (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        outcomes = {}
        for customer_action, activity in zip(customer_actions, activities, strict=True):
            outcomes[customer_action] = {
                "state": "done",
                "result": _(
                    "%(type)s activity for %(user)s",
                    type=activity.activity_type_id.name,
                    user=activity.user_id.name,
                ),
                "activity_id": activity.id,
            }
        return outcomes

    @api.model
    def _assignee(self, partner, assign):
        """The user an activity goes to: collector, salesperson or a login."""
        if assign == "collector":
            return partner.collector_id or partner.user_id or self.env.user
        if assign == "salesperson":
            return partner.user_id or partner.collector_id or self.env.user
        user = self.env["res.users"].search([("login", "=", assign)], limit=1)
        return user or partner.collector_id or self.env.user

    @api.model
    def _activity_note(self, customer_action):
        lines = Markup("").join(
            Markup("<li>%s (due %s): %s</li>")
            % (
                move.name,
                move.invoice_date_due,
                formatLang(
                    self.env, move.amount_residual, currency_obj=move.currency_id
                ),
            )
            for move in customer_action.listed_moves
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (
            _("Ladder step %(step)s", step=customer_action.step.code),
            lines,
        )

    @api.model
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
        self.fallback = next(
            (ladder for ladder in ladders if self.parsed[ladder.id].is_fallback),
            ladders.browse(),
        )

    def ladder_for(self, partner):
        """Customer override, else the first matching ladder, else the default."""
        override = partner.collection_ladder_id
        if override and override.active and override.company_id == self.company:
            return override
        tags = partner.category_id.mapped("name")
        country = partner.country_id.code
        for ladder in self.ladders:
            applies_to = self.parsed[ladder.id].applies_to
            if applies_to is not None and applies_to.matches(tags, country):
                return ladder
        if self.default and self.default.active and self.default in self.ladders:
            return self.default
        return self.fallback

import logging
from collections import defaultdict

import yaml

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..ladder import StepRecord, load_step, step_signature
from .sql_copy import copy_rows

_logger = logging.getLogger(__name__)

EVENT_STATES = [
    ("done", "Done"),
    ("skipped", "Skipped"),
    ("failed", "Failed"),
    ("waiting", "Waiting for the notice"),
    ("cancelled", "Cancelled"),
]
EVENT_ORIGINS = [
    ("ladder", "Ladder step"),
    ("referral", "Agency referral"),
    ("legal", "Legal case"),
    ("write_off", "Write-off"),
]


LOG_COLUMNS = (
    "move_id", "partner_id", "company_id", "origin", "ladder_id", "step_code",
    "step_day", "step_signature", "action_index", "action_kind", "stage_id",
    "state", "date", "result", "rule_snapshot", "notice_id", "activity_id",
    "user_id", "currency_id", "amount_residual", "attempt_count",
)  # fmt: skip


class ArCollectionEvent(models.Model):
    """One row per ladder step action taken, skipped or failed on an invoice, and
    one per thing a case did to it (referred, sent to legal, written off).

    The audit trail, and what makes runs idempotent: a ladder step is taken at most
    once per invoice, enforced by a unique index on (invoice, step, action) over the
    events whose ``origin`` is the ladder. Events of a case say so in ``origin`` and
    point to it in ``origin_model`` / ``origin_res_id``.
    """

    _name = "ar.collection.event"
    _description = "Collection event"
    _order = "date desc, id desc"
    _rec_name = "step_code"

    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    origin = fields.Selection(
        EVENT_ORIGINS,
        required=True,
        default="ladder",
        index=True,
        help="What the event comes from: a ladder step, or a case acting on the "
        "invoice.",
    )
    origin_model = fields.Char(
        string="Source model",
        help="Model of the case (referral, legal case, write-off request...) behind "
        "the event.",
    )
    origin_res_id = fields.Many2oneReference(
        string="Source record", model_field="origin_model", index="btree_not_null"
    )
    ladder_id = fields.Many2one("ar.dunning.ladder", ondelete="set null", index=True)
    step_code = fields.Char(string="Step", required=True)
    step_day = fields.Integer(
        help="The step's day when it was applied: how far the invoice went, kept "
        "when the step is later renamed or removed."
    )
    step_signature = fields.Char(
        help="What the step did (its actions), to recognise it under another code "
        "or in another ladder."
    )
    action_index = fields.Integer(default=0)
    action_kind = fields.Char(string="Action")
    stage_id = fields.Many2one("ar.collection.stage", ondelete="restrict")
    state = fields.Selection(EVENT_STATES, required=True, default="done", index=True)
    date = fields.Date(required=True, index=True, help="Date of the run (as of).")
    result = fields.Text()
    attempt_count = fields.Integer(
        string="Attempts",
        default=1,
        help="How many times the run tried this action (a failed notice is retried "
        "on later runs, up to a limit).",
    )
    rule_snapshot = fields.Text(
        string="Rule applied", help="The ladder step as it was written when applied."
    )
    notice_id = fields.Many2one(
        "ar.collection.notice", ondelete="set null", index="btree_not_null"
    )
    activity_id = fields.Many2one("mail.activity", ondelete="set null")
    user_id = fields.Many2one(
        "res.users", string="Run by", default=lambda self: self.env.user, readonly=True
    )
    currency_id = fields.Many2one("res.currency", help="The invoice's currency.")
    amount_residual = fields.Monetary(
        string="Residual at the time",
        currency_field="currency_id",
        help="What was owed on the invoice when the step was taken.",
    )

    def init(self):
        self.env.cr.execute(
            SQL(
                "DROP INDEX IF EXISTS %s",
                SQL.identifier("ar_collection_event_step_once"),
            )
        )
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s"
                " ON %s (move_id, step_code, action_index)"
                " WHERE state != 'cancelled' AND origin = 'ladder'",
                SQL.identifier("ar_collection_event_ladder_step_once"),
                SQL.identifier(self._table),
            )
        )
        self._backfill_step_identity()

    def _backfill_step_identity(self):
        """Give the ladder events written before steps had an identity their step's
        day and signature, read from their rule snapshot (one update per distinct
        snapshot: few, whatever the number of events)."""
        self.env.cr.execute(
            SQL(
                "SELECT rule_snapshot, array_agg(id) FROM %s"
                " WHERE step_day IS NULL AND origin = 'ladder'"
                " AND rule_snapshot IS NOT NULL GROUP BY rule_snapshot",
                SQL.identifier(self._table),
            )
        )
        for snapshot, ids in self.env.cr.fetchall():
            try:
                step = load_step(snapshot)
            except (ValueError, KeyError, TypeError, AttributeError, yaml.YAMLError):
                _logger.warning("Unreadable step snapshot on events %s", ids[:10])
                continue
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET step_day = %s, step_signature = %s"
                    " WHERE id = ANY(%s)",
                    SQL.identifier(self._table),
                    step.day,
                    step_signature(step),
                    ids,
                )
            )

    @api.model
    def _origin_values(self, origin, record):
        """The origin fields of an event that ``record`` (a case) writes."""
        return {
            "origin": origin,
            "origin_model": record._name,
            "origin_res_id": record.id,
        }

    @api.model_create_multi
    def create(self, vals_list):
        """Default the currency to the invoice's, read once for the whole batch."""
        missing = [vals for vals in vals_list if not vals.get("currency_id")]
        if missing:
            moves = self.env["account.move"].browse(
                {vals["move_id"] for vals in missing}
            )
            currencies = {move.id: move.currency_id.id for move in moves}
            for vals in missing:
                vals["currency_id"] = currencies[vals["move_id"]]
        return super().create(vals_list)

    @api.model
    def _create_log_rows(self, vals_list):
        """Insert the events of a run batch at once, not one per row.

        A run writes several events per invoice (the step taken, the steps skipped); the
        ORM's per-record create costs most of a run's time at 100,000 invoices. Events
        are an append-only log with no create logic, so they are written with one
        ``COPY`` per batch (their ids drawn from the table's sequence first): a
        statement of thousands of rows of parameters cost more to build and parse
        than the rows to store. Constraints, the unique index of the ladder steps and
        the foreign keys, are checked by PostgreSQL as for an INSERT. The fields
        computed from events (invoice stage and last step, customer stage) are then
        marked for recomputation exactly as the ORM would, and recomputed at the next
        flush. Call only with complete values (see ``ar.collection.run``).
        """
        if not vals_list:
            return self.browse()
        for vals in vals_list:
            if not vals.get("currency_id"):
                raise ValueError("_create_log_rows needs complete values (currency_id)")
            vals.setdefault("origin", "ladder")
            vals.setdefault("attempt_count", 1)
        self.flush_model()
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id'))"
                " FROM generate_series(1, %s)",
                self._table,
                len(vals_list),
            )
        )
        ids = [row[0] for row in cr.fetchall()]
        now = fields.Datetime.now()
        uid = self.env.uid
        copy_rows(
            cr,
            self._table,
            (
                "id",
                *LOG_COLUMNS,
                "create_uid",
                "create_date",
                "write_uid",
                "write_date",
            ),
            (
                (
                    event_id,
                    *(vals.get(column) for column in LOG_COLUMNS),
                    uid,
                    now,
                    uid,
                    now,
                )
                for event_id, vals in zip(ids, vals_list, strict=True)
            ),
        )
        moves = self.env["account.move"].browse({vals["move_id"] for vals in vals_list})
        moves.invalidate_recordset(["collection_event_ids"])
        partners = self.env["res.partner"].browse(
            {vals["partner_id"] for vals in vals_list}
        )
        partners.invalidate_recordset(["collection_event_ids"])
        moves.modified(["collection_event_ids"])
        partners.modified(["collection_event_ids"])
        return self.browse(ids)

    @api.model
    def _step_history(self, moves):
        """For each invoice: the step codes handled (done, skipped or failed) and the
        date of the last step done.

        One grouped query, whatever the number of invoices.
        """
        history = {move_id: (set(), None) for move_id in moves.ids}
        groups = self._read_group(
            [
                ("move_id", "in", moves.ids),
                ("origin", "=", "ladder"),
                ("state", "in", ("done", "skipped", "failed")),
            ],
            ["move_id", "step_code", "state"],
            ["date:max"],
        )
        for move, step_code, state, last_date in groups:
            handled, last_done = history[move.id]
            handled.add(step_code)
            if state != "skipped" and (last_done is None or last_date > last_done):
                last_done = last_date
            history[move.id] = (handled, last_done)
        return history

    @api.model
    def _step_records(self, moves):
        """For each invoice: the steps handled (done, skipped or failed), as
        ``StepRecord`` (code, day, signature), and the date of the last step done.

        One grouped query, whatever the number of invoices. The run maps the
        records onto the invoice's current ladder (``ladder.handled_codes``).
        """
        records = {move_id: (set(), None) for move_id in moves.ids}
        groups = self._read_group(
            [
                ("move_id", "in", moves.ids),
                ("origin", "=", "ladder"),
                ("state", "in", ("done", "skipped", "failed", "waiting")),
            ],
            ["move_id", "step_code", "step_day", "step_signature", "state"],
            ["date:max"],
        )
        for move, step_code, step_day, signature, state, last_date in groups:
            handled, last_done = records[move.id]
            handled.add(
                StepRecord(
                    step_code,
                    None if step_day is False else step_day,
                    signature or None,
                )
            )
            if state != "skipped" and (last_done is None or last_date > last_done):
                last_done = last_date
            records[move.id] = (handled, last_done)
        return records

    @api.model
    def _ar_pending_notice_events(self, moves, notice_kinds):
        """{move_id: the events of its last step still pending}: a notice that failed
        and the actions waiting for it. Rows of a step the invoice has gone past
        (failures recorded before notices were retried) are not pending."""
        events = self.search(
            [
                ("move_id", "in", moves.ids),
                ("origin", "=", "ladder"),
                "|",
                ("state", "=", "waiting"),
                "&",
                ("state", "=", "failed"),
                ("action_kind", "in", list(notice_kinds)),
            ],
            order="move_id, id",
        )
        if not events:
            return {}
        latest = {
            (move.id, step_code): last_id
            for move, step_code, last_id in self._read_group(
                [
                    ("move_id", "in", events.move_id.ids),
                    ("origin", "=", "ladder"),
                    ("state", "!=", "cancelled"),
                ],
                ["move_id", "step_code"],
                ["id:max"],
            )
        }
        newest_step = {}
        for (move_id, step_code), last_id in latest.items():
            if last_id > newest_step.get(move_id, (0, None))[0]:
                newest_step[move_id] = (last_id, step_code)
        pending = defaultdict(lambda: self.browse())
        for event in events:
            if newest_step[event.move_id.id][1] == event.step_code:
                pending[event.move_id.id] |= event
        return dict(pending)

    def action_retry(self):
        """Try the failed notices again on the next run (after fixing the cause)."""
        self.check_access("read")  # collectors may retry what they can see
        failed = self.filtered(
            lambda event: event.state == "failed" and event.origin == "ladder"
        )
        failed.sudo().write({"attempt_count": 0})
        failed.move_id._ar_reset_collection_schedule()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "%(count)s notice(s) will be tried again on the next run.",
                    count=len(failed),
                ),
                "sticky": False,
            },
        }

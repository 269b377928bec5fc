"""How the run stores what it did: the events written with COPY, the invoices'
schedule saved by the ORM's flush with their stage. The faster paths keep what
the database guarantees and what the ORM reads."""

from datetime import timedelta

import psycopg2
from markupsafe import Markup

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import MONDAY, CollectionsCase

AWKWARD_TEXT = "tab\there\nnew line\r\\N back\\slash 'quote' \"double\" é ø λ"


@tagged("post_install", "-at_install")
class TestRunStorage(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._make_invoice(cls.customer, MONDAY)
        cls.other = cls._make_invoice(cls.customer, MONDAY, 250.0)

    def _vals(self, move, step_code, **values):
        return {
            "move_id": move.id,
            "partner_id": move.commercial_partner_id.id,
            "company_id": move.company_id.id,
            "ladder_id": self.ladder.id,
            "step_code": step_code,
            "step_day": 7,
            "action_index": 0,
            "action_kind": "email",
            "state": "done",
            "date": MONDAY,
            "result": "queued",
            "currency_id": move.currency_id.id,
            "amount_residual": move.amount_residual,
            "user_id": self.env.uid,
            **values,
        }

    def _db_row(self, event, columns):
        self.env.cr.execute(
            f"SELECT {', '.join(columns)} FROM ar_collection_event WHERE id = %s",
            [event.id],
        )
        return self.env.cr.fetchone()

    def test_log_rows_keep_every_value(self):
        Event = self.env["ar.collection.event"]
        vals_list = [
            self._vals(
                self.invoice,
                "first_notice",
                result=AWKWARD_TEXT,
                rule_snapshot="code: first_notice\nday: 7\nactions:\n- email: {}\n",
                step_day=0,
                action_index=0,
                amount_residual=0.0,
                stage_id=False,
                notice_id=False,
            ),
            self._vals(self.other, "courtesy", step_day=-3, state="skipped"),
        ]
        events = Event._create_log_rows(vals_list)
        self.assertEqual(len(events), 2)
        self.assertEqual(events.mapped("move_id"), self.invoice | self.other)
        first = self._db_row(
            events[0],
            ["result", "rule_snapshot", "step_day", "amount_residual", "stage_id"],
        )
        self.assertEqual(first[0], AWKWARD_TEXT)
        self.assertEqual(first[1], vals_list[0]["rule_snapshot"])
        self.assertEqual(first[2], 0, "0 is stored as 0, not as NULL")
        self.assertEqual(first[3], 0)
        self.assertIsNone(first[4], "False is stored as NULL")
        second = self._db_row(events[1], ["step_day", "state", "origin", "date"])
        self.assertEqual(second, (-3, "skipped", "ladder", MONDAY))
        self.env.invalidate_all()
        self.assertEqual(events[0].result, AWKWARD_TEXT)
        self.assertEqual(events[0].create_uid, self.env.user)
        self.assertTrue(events[0].create_date)
        # the fields computed from events see them at the next read
        self.assertEqual(self.invoice.collection_step, "first_notice")
        self.assertIn(events[0], self.invoice.collection_event_ids)

    def test_log_rows_refuse_a_step_recorded_twice(self):
        Event = self.env["ar.collection.event"]
        Event._create_log_rows([self._vals(self.invoice, "first_notice")])
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            Event._create_log_rows([self._vals(self.invoice, "first_notice")])

    def test_log_rows_check_foreign_keys(self):
        self.env.cr.execute("SELECT max(id) + 1000 FROM account_move")
        missing = self.env.cr.fetchone()[0]
        vals = self._vals(self.invoice, "first_notice")
        vals["move_id"] = missing
        with (
            self.assertRaises(psycopg2.errors.ForeignKeyViolation),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env["ar.collection.event"]._create_log_rows([vals])

    def test_schedule_read_before_the_flush_and_stored_by_it(self):
        Move = self.env["account.move"]
        next_date = MONDAY + timedelta(days=7)
        Move._ar_write_schedule(
            {
                self.invoice.id: (next_date, "first_notice", self.ladder.id),
                self.other.id: (next_date, None, None),
            }
        )
        self.assertEqual(self.invoice.collection_next_date, next_date)
        self.assertEqual(self.invoice.collection_next_step, "first_notice")
        self.assertEqual(self.invoice.collection_ladder_id, self.ladder)
        self.assertFalse(self.other.collection_next_step)
        self.assertFalse(self.other.collection_ladder_id)
        self.assertEqual(self.invoice.collection_next_on, next_date)
        Move.flush_model()
        self.env.cr.execute(
            "SELECT id, collection_next_date, collection_next_step,"
            " collection_ladder_id FROM account_move WHERE id IN %s ORDER BY id",
            [tuple((self.invoice | self.other).ids)],
        )
        self.assertEqual(
            self.env.cr.fetchall(),
            sorted(
                [
                    (self.invoice.id, next_date, "first_notice", self.ladder.id),
                    (self.other.id, next_date, None, None),
                ]
            ),
        )

    def test_run_stores_schedule_and_stage_in_the_database(self):
        self.run_collections(MONDAY + timedelta(days=7))
        self.env.cr.execute(
            "SELECT m.collection_next_date, m.collection_next_step, m.collection_step,"
            " s.code FROM account_move m"
            " JOIN ar_collection_stage s ON s.id = m.collection_stage_id"
            " WHERE m.id = %s",
            [self.invoice.id],
        )
        self.assertEqual(
            self.env.cr.fetchone(),
            (MONDAY + timedelta(days=14), "call", "first_notice", "overdue"),
        )

    def test_log_rows_repeated_values_stay_per_row(self):
        """Each distinct value is escaped once per batch: rows sharing a value, and
        0, 0.0 and False in one column, still store their own."""
        Event = self.env["ar.collection.event"]
        events = Event._create_log_rows(
            [
                self._vals(self.invoice, "a", result=AWKWARD_TEXT, step_day=0),
                self._vals(self.invoice, "b", result=AWKWARD_TEXT, step_day=False),
                self._vals(self.other, "a", result="", amount_residual=0),
                self._vals(self.other, "b", result=False, amount_residual=0.0),
            ]
        )
        rows = [
            self._db_row(event, ["move_id", "result", "step_day", "amount_residual"])
            for event in events
        ]
        self.assertEqual(
            rows,
            [
                (self.invoice.id, AWKWARD_TEXT, 0, self.invoice.amount_residual),
                (self.invoice.id, AWKWARD_TEXT, None, self.invoice.amount_residual),
                (self.other.id, "", 7, 0),
                (self.other.id, None, 7, 0),
            ],
        )

    def test_chatter_notes_keep_their_text(self):
        """The run's notes on the invoices (one COPY): escaped text, an internal
        note by the author, one per invoice, in each invoice's chatter."""
        author = self.env.ref("base.partner_root")
        bodies = {
            self.invoice.id: AWKWARD_TEXT,
            self.other.id: "<b>not bold</b> & co",
        }
        self.env["ar.collection.run"]._ar_log_notes(
            self.invoice | self.other, bodies, author
        )
        for move, text in (
            (self.invoice, AWKWARD_TEXT),
            (self.other, bodies[self.other.id]),
        ):
            note = move.message_ids.filtered(lambda m, a=author: m.author_id == a)[:1]
            self.assertEqual(note.body, Markup("<p>%s</p>") % text)
            self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
            self.assertTrue(note.is_internal)
            self.assertEqual((note.model, note.res_id), ("account.move", move.id))
        self.assertIn(
            "&lt;b&gt;not bold&lt;/b&gt; &amp; co", self.other.message_ids[0].body
        )

"""Runs are batched, idempotent, safe against concurrent runs and crashes."""

import threading
from datetime import timedelta

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.ar_collections.models import ar_collection_run
from odoo.addons.ar_collections.models.ar_collection_run import RUN_LOCK_KEY

from .common import MONDAY, CollectionsCase

# Queries a run may add when it has more invoices of the same customers to look at.
QUERY_SLACK = 2


@tagged("post_install", "-at_install")
class TestRunSafety(CollectionsCase):
    def _customers_with_invoices(self, count, invoices_each=1, days_late=7):
        customers = self.env["res.partner"]
        for index in range(count):
            customer = self._make_customer(f"Customer {index}", f"c{index}@example.com")
            for _i in range(invoices_each):
                self._make_invoice(customer, MONDAY - timedelta(days=days_late))
            customers |= customer
        return customers

    def _count_run_queries(self, today, cold_caches=False):
        self.env.flush_all()
        self.env.invalidate_all()
        if cold_caches:
            self.env.registry.clear_cache()
        before = self.env.cr.sql_log_count
        self.run_collections(today)
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_query_count_does_not_grow_with_invoices(self):
        # The same number of customers (3, one batch), 1 then 8 invoices each, each
        # run from cold caches.
        few = self._customers_with_invoices(3, invoices_each=1, days_late=7)
        small = self._count_run_queries(MONDAY, cold_caches=True)
        many = self._customers_with_invoices(3, invoices_each=8, days_late=8)
        large = self._count_run_queries(MONDAY + timedelta(days=1), cold_caches=True)
        # Both runs did the same per customer: one first notice e-mail each.
        for customer in few | many:
            self.assertEqual(len(self.mails_to(customer)), 1, customer.name)
        self.assertEqual(len(self.events(many.invoice_ids, state="done")), 24)
        # 21 more invoices, (almost) no more queries: nothing is done per invoice.
        self.assertLessEqual(
            large - small,
            QUERY_SLACK,
            f"{small} queries for 3 invoices, {large} for 24",
        )

    def test_rerun_same_day_is_a_no_op_and_cheap(self):
        self._customers_with_invoices(5, invoices_each=2)
        self.run_collections(MONDAY)
        mails = self.env["mail.mail"].search_count([])
        events = self.env["ar.collection.event"].search_count([])
        queries = self._count_run_queries(MONDAY)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        self.assertEqual(self.env["ar.collection.event"].search_count([]), events)
        self.assertLess(queries, 15)

    # A real crash: the run as the scheduler runs it, in a thread of its own with a
    # cursor of its own (the test's transaction, in test mode), so that each batch is
    # committed; a database trigger makes the second batch fail.

    def _refuse_events_of(self, partners):
        """From now on, inserting an event for ``partners`` fails in PostgreSQL."""
        refused = ",".join(str(int(partner_id)) for partner_id in partners.ids)
        self.env.cr.execute(f"""
            CREATE FUNCTION ar_test_refuse_event() RETURNS trigger AS $$
            BEGIN
                IF NEW.partner_id IN ({refused}) THEN
                    RAISE EXCEPTION 'test: event of partner % refused', NEW.partner_id;
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER ar_test_refuse_event BEFORE INSERT ON ar_collection_event
                FOR EACH ROW EXECUTE FUNCTION ar_test_refuse_event();
        """)  # fmt: skip

    def _stop_refusing_events(self):
        self.env.cr.execute(
            "DROP TRIGGER ar_test_refuse_event ON ar_collection_event;"
            "DROP FUNCTION ar_test_refuse_event();"
        )

    def _run_like_the_cron(self, today):
        """Run as the scheduler would: another thread, its own cursor, committed per
        batch (the thread is no test thread). Returns the exception raised, if any."""
        self.env.flush_all()
        company_ids = self.company.ids
        outcome = {}

        def target():
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(
                        cr, SUPERUSER_ID, {"allowed_company_ids": company_ids}
                    )
                    outcome["result"] = env["ar.dunning.ladder"].run_collections(
                        today=today
                    )
            except Exception as error:  # noqa: BLE001 - returned to the test
                outcome["error"] = error

        self.registry.enter_test_mode(self.cr)
        try:
            thread = threading.Thread(target=target, name="ar_test_cron")
            thread.start()
            thread.join(timeout=120)
            self.assertFalse(thread.is_alive(), "the run did not finish")
        finally:
            self.registry.leave_test_mode()
        self.env.invalidate_all()
        return outcome

    def test_resume_after_crash_sends_no_duplicate(self):
        customers = self._customers_with_invoices(4).sorted("id")
        first_batch, second_batch = customers[:2], customers[2:]
        invoices = customers.invoice_ids
        self.patch(ar_collection_run, "CUSTOMERS_PER_BATCH", 2)
        self._refuse_events_of(second_batch[1])
        with mute_logger(
            "odoo.sql_db", "odoo.addons.ar_collections.models.ar_collection_run"
        ):
            outcome = self._run_like_the_cron(MONDAY)
        # The failing batch is rolled back and logged; the run itself ends normally.
        self.assertNotIn("error", outcome)
        self.assertEqual(outcome["result"]["batches_failed"], 1)
        self.assertEqual(outcome["result"]["emails"], 2)
        ladder_log = self.env["mail.message"].search(
            [("model", "=", "ar.dunning.ladder"), ("body", "ilike", "event of partner")]
        )
        self.assertTrue(ladder_log, "the batch's error is posted on the ladder")
        # The first batch was committed: its e-mails, notices, events and schedule.
        for customer in first_batch:
            self.assertEqual(len(self.mails_to(customer)), 1, customer.name)
            self.assertEqual(
                sorted(self.events(customer.invoice_ids).mapped("step_code")),
                ["courtesy", "first_notice"],  # entered late: courtesy skipped
            )
            self.assertEqual(customer.invoice_ids.collection_step, "first_notice")
            self.assertTrue(customer.invoice_ids.collection_next_date)
        kept = self.events(first_batch.invoice_ids)
        # The failed batch left nothing, not even for the customer that did not fail.
        for customer in second_batch:
            self.assertFalse(self.mails_to(customer), customer.name)
            self.assertFalse(self.events(customer.invoice_ids), customer.name)
            self.assertFalse(
                self.env["ar.collection.notice"].search(
                    [("partner_id", "=", customer.id)]
                )
            )
            self.assertFalse(customer.invoice_ids.collection_step)
            self.assertFalse(customer.invoice_ids.collection_next_date)
        # The next run completes the work without sending the first batch again.
        self._stop_refusing_events()
        outcome = self._run_like_the_cron(MONDAY)
        self.assertNotIn("error", outcome)
        self.assertEqual(outcome["result"]["emails"], 2)
        self.assertEqual(outcome["result"]["steps_taken"], 2)
        for customer in customers:
            self.assertEqual(len(self.mails_to(customer)), 1, customer.name)
        self.assertEqual(self.events(first_batch.invoice_ids), kept)
        self.assertEqual(
            self.events(invoices, state="done").mapped("step_code"),
            ["first_notice"] * 4,
        )

    def test_batches(self):
        customers = self._customers_with_invoices(5).sorted("id")
        self.patch(ar_collection_run, "CUSTOMERS_PER_BATCH", 2)
        # What the run has done when it reports each batch's progress to the cron
        # (ir.cron._notify_progress, once per batch, before the batch's commit).
        seen = []
        cron_class = type(self.env["ir.cron"])
        notify_progress = cron_class._notify_progress

        def record_progress(cron, *, done, remaining, deactivate=False):
            cron.env.flush_all()
            mailed = self.env["mail.mail"].search(
                [("model", "=", "res.partner"), ("res_id", "in", customers.ids)]
            )
            stepped = self.env["ar.collection.event"].search(
                [("move_id", "in", customers.invoice_ids.ids)]
            )
            seen.append(
                (
                    done,
                    remaining,
                    sorted(mailed.mapped("res_id")),
                    sorted(stepped.partner_id.ids),
                )
            )
            return notify_progress(
                cron, done=done, remaining=remaining, deactivate=deactivate
            )

        self.patch(cron_class, "_notify_progress", record_progress)
        result = self.run_collections(MONDAY)
        ids = customers.ids
        self.assertEqual(
            seen,
            [
                (2, 3, ids[:2], ids[:2]),
                (4, 1, ids[:4], ids[:4]),
                (5, 0, ids, ids),
            ],
        )
        self.assertEqual(result["emails"], 5)
        for customer in customers:
            self.assertEqual(len(self.mails_to(customer)), 1)

    def test_concurrent_run_does_nothing(self):
        self._customers_with_invoices(1)
        with self.env.registry.cursor() as other_cursor:
            other_cursor.execute("SELECT pg_advisory_lock(%s)", (RUN_LOCK_KEY,))
            result = self.run_collections(MONDAY)
            other_cursor.execute("SELECT pg_advisory_unlock(%s)", (RUN_LOCK_KEY,))
        self.assertEqual(result, {"already_running": 1})
        self.assertFalse(self.env["ar.collection.event"].search([]))
        self.assertTrue(self.run_collections(MONDAY)["steps_taken"])

    def test_unique_step_per_invoice_in_database(self):
        invoice = self._make_invoice(self.customer, MONDAY - timedelta(days=7))
        self.run_collections(MONDAY)
        event = self.events(invoice, step_code="first_notice")
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            event.copy()
            self.env.flush_all()

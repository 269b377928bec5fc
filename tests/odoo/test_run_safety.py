"""Runs are batched, idempotent, safe against concurrent runs and crashes."""

from collections import Counter
from datetime import timedelta

import psycopg2

from odoo.tests import tagged

from odoo.addons.ar_collections.models import ar_collection_run
from odoo.addons.ar_collections.models.ar_collection_run import RUN_LOCK_KEY, _RunJob

from .common import MONDAY, CollectionsCase


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

    def _count_run_queries(self, today):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.run_collections(today)
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_query_count_does_not_grow_with_invoices(self):
        self._customers_with_invoices(3, invoices_each=2)
        small = self._count_run_queries(MONDAY)
        self._customers_with_invoices(12, invoices_each=4, days_late=8)
        large = self._count_run_queries(MONDAY + timedelta(days=1))
        # 6 invoices then 48 invoices, one batch each: same order of queries.
        self.assertLess(large, small * 1.6, f"{small} queries for 6, {large} for 48")

    def test_rerun_same_day_is_a_no_op_and_cheap(self):
        self._customers_with_invoices(5, invoices_each=2)
        self.run_collections(MONDAY)
        mails = self.env["mail.mail"].search_count([])
        events = self.env["ar.collection.event"].search_count([])
        queries = self._count_run_queries(MONDAY)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        self.assertEqual(self.env["ar.collection.event"].search_count([]), events)
        self.assertLess(queries, 15)

    def test_resume_after_crash_sends_no_duplicate(self):
        customers = self._customers_with_invoices(4)
        # A run that crashed after its first batch of two customers: that batch was
        # committed, the rest was rolled back.
        ladders = self.Ladder.search([("company_id", "=", self.company.id)])
        job = _RunJob(
            self.env["ar.collection.run"], self.company, ladders, MONDAY, False, None
        )
        first_batch = customers[:2]
        self.env["ar.collection.run"]._run_batch(job, first_batch.ids, Counter(), [])
        self.assertEqual(
            len(self.env["mail.mail"].search([("res_id", "in", customers.ids)])), 2
        )
        # The next run completes the work without sending the first batch again.
        self.run_collections(MONDAY)
        for customer in customers:
            self.assertEqual(len(self.mails_to(customer)), 1, customer.name)

    def test_batches(self):
        customers = self._customers_with_invoices(5)
        self.patch(ar_collection_run, "CUSTOMERS_PER_BATCH", 2)
        result = self.run_collections(MONDAY)
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

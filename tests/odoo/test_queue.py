"""ar_collections_queue: the scheduled run as queue_job jobs, one per company and
batch of customers (queue_job's own test helpers, and jobs stored and run for
real through queue_job's controller)."""

from datetime import timedelta

from odoo import SUPERUSER_ID
from odoo.tests import common as odoo_test_common
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

# queue_job's test helpers register themselves in odoo.tests.common.SETATTR_SOURCES,
# which later Odoo 18.0 source trees have; define it (empty) on an older one.
if not hasattr(odoo_test_common, "SETATTR_SOURCES"):
    odoo_test_common.SETATTR_SOURCES = {}

from odoo.addons.ar_collections_queue.models.ar_collection_run import (
    DISPATCH_PARAM,
    MAX_RETRIES,
)
from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import MONDAY, CollectionsCase

METHOD = "_ar_run_queued_batch"


@tagged("post_install", "-at_install")
class TestQueue(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("ar_collections.run_batch_size", 2)
        params.set_param(DISPATCH_PARAM, "queue")
        cls.Run = cls.env["ar.collection.run"]
        cls.customers = cls.env["res.partner"]
        for index in range(5):
            customer = cls._make_customer(f"Queued {index}", f"q{index}@example.com")
            cls._make_invoice(customer, MONDAY - timedelta(days=7))
            cls.customers |= customer
        cls.customers = cls.customers.sorted("id")
        cls.batches = [
            cls.customers[:2].ids,
            cls.customers[2:4].ids,
            cls.customers[4:].ids,
        ]

    def scheduled_run(self):
        """The cron's method as the cron runs it (as the superuser, for every
        company), as of MONDAY: what the cron and "Run now" do."""
        with freeze_time(MONDAY):
            return self.Ladder.with_user(SUPERUSER_ID)._cron_run_collections()

    def stored_jobs(self):
        return (
            self.env["queue.job"]
            .sudo()
            .search([("method_name", "=", METHOD)], order="id")
        )

    def run_job(self, record):
        """Run a stored job as a job runner's HTTP request does, with queue_job's
        controller (load, started, perform, done), without its commit of the
        acquisition (a test cannot commit)."""
        job = Job.load(self.env, record.uuid)
        job.set_started()
        job.store()
        RunJobController._runjob(self.env, job)
        record.invalidate_recordset()

    def perform_and_retry(self, record):
        """Perform a stored job; on a retryable error, postpone it as queue_job's
        controller does (pending, retry count kept). Returns the error, if any."""
        job = Job.load(self.env, record.uuid)
        job.set_started()
        job.store()
        try:
            with self.env.cr.savepoint():
                job.perform()
        except RetryableJobError as error:
            job.postpone(result=str(error), seconds=error.seconds)
            job.set_pending(reset_retry=False)
            job.store()
            record.invalidate_recordset()
            return error
        job.set_done()
        job.store()
        record.invalidate_recordset()
        return None

    def refuse_events_of(self, partner):
        """From now on, inserting an event for ``partner`` fails in PostgreSQL."""
        self.env.cr.execute(f"""
            CREATE FUNCTION ar_test_refuse_event() RETURNS trigger AS $$
            BEGIN
                IF NEW.partner_id = {int(partner.id)} THEN
                    RAISE EXCEPTION 'test: event of partner % refused', NEW.partner_id;
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER ar_test_refuse_event BEFORE INSERT ON ar_collection_event
                FOR EACH ROW EXECUTE FUNCTION ar_test_refuse_event();
        """)  # fmt: skip

    def stop_refusing_events(self):
        self.env.cr.execute(
            "DROP TRIGGER ar_test_refuse_event ON ar_collection_event;"
            "DROP FUNCTION ar_test_refuse_event();"
        )

    def assert_sent_once_each(self, customers):
        for customer in customers:
            self.assertEqual(len(self.mails_to(customer)), 1, customer.name)
            self.assertEqual(
                self.events(customer.invoice_ids, state="done").mapped("step_code"),
                ["first_notice"],
                customer.name,
            )

    # Enqueuing --------------------------------------------------------------------

    def test_scheduled_run_enqueues_one_job_per_batch(self):
        with trap_jobs() as trap:
            result = self.scheduled_run()
            trap.assert_jobs_count(3, only=self.Run._ar_run_queued_batch)
            for batch in self.batches:
                trap.assert_enqueued_job(
                    self.Run._ar_run_queued_batch,
                    args=(self.company, "2026-03-02", batch),
                    properties={
                        "identity_key": self.Run._ar_batch_identity_key(
                            self.company, MONDAY, batch
                        ),
                        "max_retries": MAX_RETRIES,
                    },
                )
        self.assertEqual(result["batches_queued"], 3)
        # Nothing is done in the cron's process: the jobs do it.
        self.assertFalse(self.events(self.customers.invoice_ids))
        for customer in self.customers:
            self.assertFalse(self.mails_to(customer), customer.name)

    def test_identity_key_is_company_date_and_batch(self):
        key = self.Run._ar_batch_identity_key
        batch = self.batches[0]
        self.assertEqual(
            key(self.company, MONDAY, batch), key(self.company, MONDAY, batch[::-1])
        )
        self.assertNotEqual(
            key(self.company, MONDAY, batch),
            key(self.company, MONDAY + timedelta(days=1), batch),
        )
        self.assertNotEqual(
            key(self.company, MONDAY, batch), key(self.company, MONDAY, self.batches[1])
        )
        other = self.setup_other_company(name="Queue Co 2")["company"]
        self.assertNotEqual(key(self.company, MONDAY, batch), key(other, MONDAY, batch))

    def test_enqueued_twice_is_one_job(self):
        self.scheduled_run()
        self.scheduled_run()  # the same day, before any job ran
        jobs = self.stored_jobs()
        self.assertEqual(len(jobs), 3)
        self.assertEqual(
            sorted(jobs.mapped("identity_key")),
            sorted(
                self.Run._ar_batch_identity_key(self.company, MONDAY, batch)
                for batch in self.batches
            ),
        )
        self.assertEqual(set(jobs.mapped("channel")), {"root.ar_collections"})

    def test_run_collections_and_dry_run_stay_in_process(self):
        with trap_jobs() as trap:
            preview = self.run_collections(MONDAY, dry_run=True)
            self.assertTrue(preview["proposals"])
            result = self.run_collections(MONDAY)
            trap.assert_jobs_count(0)
        self.assertEqual(result["emails"], 5)
        self.assert_sent_once_each(self.customers)

    def test_in_process_parameter_keeps_the_cron_as_it_is(self):
        self.env["ir.config_parameter"].sudo().set_param(DISPATCH_PARAM, "in_process")
        with trap_jobs() as trap:
            result = self.scheduled_run()
            trap.assert_jobs_count(0)
        self.assertEqual(result["emails"], 5)
        self.assert_sent_once_each(self.customers)

    # Running the jobs -------------------------------------------------------------

    def test_jobs_run_for_real_send_each_notice_once(self):
        self.scheduled_run()
        jobs = self.stored_jobs()
        self.assertEqual(len(jobs), 3)
        for record in jobs:
            self.run_job(record)
        self.assertEqual(jobs.mapped("state"), ["done"] * 3)
        self.assertIn("'emails': 2", jobs[0].result)
        self.assert_sent_once_each(self.customers)
        self.assertEqual(
            set(self.customers.invoice_ids.mapped("collection_step")), {"first_notice"}
        )
        # The next scheduled run the same day finds nothing due: no job.
        self.scheduled_run()
        self.assertEqual(len(self.stored_jobs()), 3)

    def test_job_performed_twice_sends_once(self):
        with trap_jobs() as trap:
            self.scheduled_run()
            queued = list(trap.enqueued_jobs)
            trap.perform_enqueued_jobs()
            self.assert_sent_once_each(self.customers)
            mails = self.env["mail.mail"].search_count([])
            events = self.env["ar.collection.event"].search_count([])
            # The same jobs again (a worker died after the work, before "done"; a
            # job requeued by hand): nothing more is sent or recorded.
            for job in queued:
                job.perform()
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        self.assertEqual(self.env["ar.collection.event"].search_count([]), events)
        self.assert_sent_once_each(self.customers)

    def test_stale_job_after_the_batch_was_done_sends_nothing(self):
        # A job of the same batch runs after the batch was done in-process (its
        # invoices are not due any more, and the event index would refuse a
        # second step anyway).
        self.run_collections(MONDAY)
        mails = self.env["mail.mail"].search_count([])
        self.Run._ar_run_queued_batch(self.company, "2026-03-02", self.batches[0])
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        self.assert_sent_once_each(self.customers)

    def test_failing_batch_is_retried_and_the_others_are_not_affected(self):
        self.scheduled_run()
        jobs = self.stored_jobs()
        failing = self.customers[3]  # in the second batch
        self.refuse_events_of(failing)
        with mute_logger("odoo.addons.ar_collections.models.ar_collection_run"):
            errors = [self.perform_and_retry(record) for record in jobs]
        self.assertIsNone(errors[0])
        self.assertIsInstance(errors[1], RetryableJobError)
        self.assertIn("refused", str(errors[1]))
        self.assertIsNone(errors[2])
        self.assertEqual(jobs.mapped("state"), ["done", "pending", "done"])
        self.assertEqual(jobs[1].retry, 1)
        # The failed batch left nothing, not even for its customer that did not fail.
        self.assert_sent_once_each(self.customers[:2] | self.customers[4])
        for customer in self.customers[2:4]:
            self.assertFalse(self.mails_to(customer), customer.name)
            self.assertFalse(self.events(customer.invoice_ids), customer.name)
        self.assertFalse(
            self.env["mail.message"].search(
                [("model", "=", "ar.dunning.ladder"), ("body", "ilike", "refused")]
            ),
            "a failure that is retried is not logged on the ladders",
        )
        # The retry, once the cause is gone, completes the batch.
        self.stop_refusing_events()
        self.assertIsNone(self.perform_and_retry(jobs[1]))
        self.assertEqual(jobs[1].state, "done")
        self.assert_sent_once_each(self.customers)

    def test_last_attempt_logs_on_the_ladders_as_in_process(self):
        self.scheduled_run()
        record = self.stored_jobs()[1]
        record.retry = MAX_RETRIES - 1
        self.refuse_events_of(self.customers[3])
        with mute_logger("odoo.addons.ar_collections.models.ar_collection_run"):
            self.assertIsNone(self.perform_and_retry(record))
        self.assertEqual(record.state, "done")
        self.assertIn("'batches_failed': 1", record.result)
        self.assertTrue(
            self.env["mail.message"].search(
                [("model", "=", "ar.dunning.ladder"), ("body", "ilike", "refused")]
            ),
            "the last attempt's failure is on the ladder, retried by the next run",
        )
        for customer in self.customers[2:4]:
            self.assertFalse(self.events(customer.invoice_ids), customer.name)

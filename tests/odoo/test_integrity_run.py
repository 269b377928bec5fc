"""The run's integrity: step identity across ladder edits, protected stages, a bad
batch that does not stop the run, failed notices that are retried."""

from datetime import timedelta

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.ar_collections.models.ar_collection_run import RUN_LOCK_KEY

from .common import MONDAY, CollectionsCase

FINAL_DAY = MONDAY + timedelta(days=30)  # a Wednesday

OTHER_LADDER = """\
version: 1
code: strict
name: Strict
steps:
  - code: reminder
    day: 5
    stage: overdue
    actions:
      - email: {template: ar_collections.mail_template_first_notice}
  - code: demand
    day: 25
    stage: final_demand
    actions:
      - email: {template: ar_collections.mail_template_final_demand}
  - code: chase
    day: 40
    stage: final_demand
    actions:
      - activity: {type: call, summary: Chase the demand}
"""


@tagged("post_install", "-at_install")
class TestStepIdentity(CollectionsCase):
    def _final_demand_sent(self):
        invoice = self._make_invoice(self.customer, MONDAY)
        self.run_collections(FINAL_DAY)
        self.assertEqual(invoice.collection_step, "final_demand")
        self.assertEqual(len(self.mails_to(self.customer)), 1)
        return invoice

    def test_renaming_a_step_does_not_send_it_again(self):
        invoice = self._final_demand_sent()
        self.ladder.yaml_source = self.ladder.yaml_source.replace(
            "code: final_demand", "code: last_warning"
        )
        for days in (1, 7, 14):
            self.run_collections(FINAL_DAY + timedelta(days=days))
        self.assertEqual(len(self.mails_to(self.customer)), 1)
        self.assertFalse(self.events(invoice, step_code="last_warning"))

    def test_inserting_an_earlier_step_does_not_send_it(self):
        invoice = self._final_demand_sent()
        self.ladder.yaml_source = self.ladder.yaml_source.replace(
            "  - code: final_demand\n",
            "  - code: late_call\n    day: 25\n    actions:\n"
            "      - activity: {type: call}\n"
            "  - code: final_demand\n",
        )
        self.run_collections(FINAL_DAY + timedelta(days=7))
        self.assertFalse(self.events(invoice, step_code="late_call"))
        self.assertEqual(len(self.mails_to(self.customer)), 1)

    def test_removing_a_step_keeps_the_invoice_where_it_was(self):
        invoice = self._make_invoice(self.customer, MONDAY)
        self.run_collections(MONDAY + timedelta(days=21))  # second notice
        self.assertEqual(invoice.collection_step, "second_notice")
        source = self.ladder.yaml_source
        start = source.index("  - code: second_notice")
        end = source.index("  - code: final_demand")
        self.ladder.yaml_source = source[:start] + source[end:]
        self.run_collections(MONDAY + timedelta(days=28))
        self.assertEqual(len(self.mails_to(self.customer)), 1)
        self.run_collections(FINAL_DAY)
        self.assertEqual(invoice.collection_step, "final_demand")
        self.assertEqual(len(self.mails_to(self.customer)), 2)

    def test_moving_customer_to_another_ladder_does_not_resend(self):
        invoice = self._final_demand_sent()
        strict = self.Ladder.create({"yaml_source": OTHER_LADDER, "sequence": 20})
        self.customer.collection_ladder_id = strict
        self.run_collections(FINAL_DAY + timedelta(days=1))
        # Its reminder (day 5) and demand (day 25) are behind the invoice.
        self.assertEqual(len(self.mails_to(self.customer)), 1)
        self.assertFalse(self.events(invoice, ladder_id=strict.id))
        self.run_collections(MONDAY + timedelta(days=42))
        chase = self.events(invoice, step_code="chase")
        self.assertEqual(chase.state, "done")
        self.assertEqual(chase.ladder_id, strict)
        self.assertEqual(len(self.mails_to(self.customer)), 1)

    def test_old_events_get_their_step_identity_from_their_snapshot(self):
        invoice = self._final_demand_sent()
        events = self.events(invoice)
        expected = {e.id: (e.step_day, e.step_signature) for e in events}
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE ar_collection_event SET step_day = NULL, step_signature = NULL"
            " WHERE id IN %s",
            (tuple(events.ids),),
        )
        self.env["ar.collection.event"]._backfill_step_identity()
        self.env.invalidate_all()
        self.assertEqual(
            {e.id: (e.step_day, e.step_signature) for e in events}, expected
        )

    def test_events_keep_the_day_and_signature_of_their_step(self):
        invoice = self._final_demand_sent()
        event = self.events(invoice, step_code="final_demand", action_index=0)
        self.assertEqual(event.step_day, 30)
        self.assertTrue(event.step_signature)
        skipped = self.events(invoice, step_code="first_notice")
        self.assertEqual(skipped.state, "skipped")
        self.assertEqual(skipped.step_day, 7)


@tagged("post_install", "-at_install")
class TestProtectedStages(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Stage = cls.env["ar.collection.stage"]
        cls.custom = cls.Stage.create(
            {"name": "Escalated", "code": "escalated", "sequence": 45}
        )

    def _use_custom_stage(self):
        self.ladder.yaml_source = self.ladder.yaml_source.replace(
            "    day: 21\n    stage: overdue", "    day: 21\n    stage: escalated"
        )

    def test_recoding_a_stage_used_by_a_ladder_is_refused(self):
        self._use_custom_stage()
        with self.assertRaisesRegex(UserError, "Standard B2B reminders"):
            self.custom.code = "escalated_2"
        self.assertEqual(self.custom.code, "escalated")
        # Renaming is fine.
        self.custom.name = "Escalated (2)"

    def test_deleting_a_stage_used_by_a_ladder_is_refused(self):
        self._use_custom_stage()
        with self.assertRaisesRegex(UserError, "Standard B2B reminders"):
            self.custom.unlink()
        self.assertTrue(self.custom.exists())

    def test_deleting_a_stage_used_by_events_is_refused(self):
        self._use_custom_stage()
        invoice = self._make_invoice(self.customer, MONDAY)
        self.run_collections(MONDAY + timedelta(days=21))
        self.assertEqual(invoice.collection_stage_id, self.custom)
        self.ladder.yaml_source = self.ladder.yaml_source.replace(
            "stage: escalated", "stage: overdue"
        )
        with self.assertRaisesRegex(UserError, "collection events"):
            self.custom.unlink()

    def test_shipped_stages_cannot_be_deleted_or_recoded(self):
        final = self.env.ref("ar_collections.ar_collection_stage_final_demand")
        with self.assertRaisesRegex(UserError, "shipped"):
            final.unlink()
        with self.assertRaisesRegex(UserError, "shipped"):
            final.sudo().code = "last"

    def test_unused_stage_can_be_recoded_and_deleted(self):
        self.custom.code = "other"
        self.custom.unlink()
        self.assertFalse(self.custom.exists())

    def test_run_survives_a_stage_missing_from_the_database(self):
        # A stage removed behind the ORM's back (SQL): the run does not crash.
        self._use_custom_stage()
        invoice = self._make_invoice(self.customer, MONDAY)
        self.env.cr.execute(
            "UPDATE ar_collection_stage SET code = 'gone' WHERE id = %s",
            (self.custom.id,),
        )
        self.env.invalidate_all()
        self.run_collections(MONDAY + timedelta(days=21))
        self.assertEqual(invoice.collection_step, "second_notice")


@tagged("post_install", "-at_install")
class TestBatchFailure(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.setup_other_company()["company"]
        cls.env["res.company"].browse(cls.company_2.ids)._ar_install_shipped_ladders()
        cls.ladder_2 = cls.Ladder.search([("company_id", "=", cls.company_2.id)])
        cls.env.user.company_ids |= cls.company_2
        cls.bad = cls._make_customer("Bad Data Ltd", "bad@example.com")
        cls.good = cls._make_customer("Good Ltd", "good@example.com")

    def _break_events_of(self, partner):
        # Bad data the database refuses: any event row for this customer violates
        # a check constraint, a real database error inside the batch.
        self.env.cr.execute(
            "ALTER TABLE ar_collection_event ADD CONSTRAINT test_bad_partner "
            f"CHECK (partner_id <> {int(partner.id)})"
        )

    def _lock_is_free(self):
        with self.env.registry.cursor() as other:
            other.execute("SELECT pg_try_advisory_lock(%s)", (RUN_LOCK_KEY,))
            taken = other.fetchone()[0]
            if taken:
                other.execute("SELECT pg_advisory_unlock(%s)", (RUN_LOCK_KEY,))
        return taken

    def test_failing_batch_is_rolled_back_logged_and_retried(self):
        self.env["ir.config_parameter"].set_param("ar_collections.run_batch_size", 1)
        bad_invoice = self._make_invoice(self.bad, MONDAY - timedelta(days=7))
        good_invoice = self._make_invoice(self.good, MONDAY - timedelta(days=7))
        other_invoice = self._make_invoice(
            self.customer, MONDAY - timedelta(days=7), company=self.company_2
        )
        self._break_events_of(self.bad)
        result = self.Ladder.with_context(
            allowed_company_ids=(self.company | self.company_2).ids
        ).run_collections(today=MONDAY)
        self.assertEqual(result["batches_failed"], 1)
        # The bad batch left nothing behind: no event, no mail, no schedule.
        self.assertFalse(self.events(bad_invoice))
        self.assertFalse(self.mails_to(self.bad))
        self.assertFalse(bad_invoice.collection_next_date)
        # The other batch and the other company were done.
        self.assertEqual(good_invoice.collection_step, "first_notice")
        self.assertEqual(other_invoice.collection_step, "first_notice")
        # The error is on the ladder's chatter, where a manager sees it.
        message = self.ladder.message_ids.filtered(
            lambda m: "Bad Data Ltd" in (m.body or "")
        )
        self.assertTrue(message)
        self.assertIn("test_bad_partner", message.body)
        self.assertTrue(self._lock_is_free())
        # Retried by the next run, once the data is mended.
        self.env.cr.execute(
            "ALTER TABLE ar_collection_event DROP CONSTRAINT test_bad_partner"
        )
        self.run_collections(MONDAY + timedelta(days=1))
        self.assertEqual(bad_invoice.collection_step, "first_notice")
        self.assertEqual(len(self.mails_to(self.bad)), 1)
        self.assertEqual(len(self.mails_to(self.good)), 1)

    def test_lock_is_released_after_a_database_error(self):
        # On a connection of its own, as the cron has: a run takes the lock, then a
        # database error breaks its transaction; releasing the lock still works.
        with self.env.registry.cursor() as cr:
            run = api.Environment(cr, SUPERUSER_ID, {})["ar.collection.run"]
            self.assertTrue(run._try_lock())
            self.assertFalse(self._lock_is_free())
            with self.assertRaises(psycopg2.Error):
                cr.execute("SELECT 1/0")
            run._unlock()
            self.assertTrue(self._lock_is_free())


HOLD_LADDER = """\
version: 1
code: hold_after_demand
name: Hold after demand
steps:
  - code: notice
    day: 7
    stage: overdue
    actions:
      - email: {template: ar_collections.mail_template_first_notice}
  - code: demand
    day: 30
    stage: final_demand
    actions:
      - email: {template: %s}
      - credit_hold: {reason: Final demand sent}
"""


@tagged("post_install", "-at_install")
class TestFailedNotices(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hold_ladder = cls._hold_ladder("ar_collections.mail_template_final_demand")

    @classmethod
    def _hold_ladder(cls, template):
        ladder = cls.Ladder.create(
            {"yaml_source": HOLD_LADDER % template, "sequence": 1}
        )
        cls.company.ar_default_ladder_id = ladder
        cls.ladder.active = False
        return ladder

    def _demand(self, customer):
        invoice = self._make_invoice(customer, MONDAY)
        result = self.run_collections(FINAL_DAY)
        return invoice, result

    def _failed_notices(self):
        action = self.env.ref(
            "ar_collections.ar_collection_event_action_failed_notices"
        )
        return self.env["ar.collection.event"].search(safe_eval(action.domain))

    def test_no_address_notice_fails_and_hold_waits(self):
        customer = self._make_customer("No Mail Ltd", False)
        invoice, result = self._demand(customer)
        email = self.events(invoice, step_code="demand", action_kind="email")
        hold = self.events(invoice, step_code="demand", action_kind="credit_hold")
        self.assertEqual(email.state, "failed")
        self.assertIn("No e-mail address", email.result)
        self.assertEqual(email.attempt_count, 1)
        self.assertEqual(hold.state, "waiting")
        self.assertFalse(customer.credit_hold)
        self.assertEqual(result["actions_failed"], 1)
        self.assertEqual(result["actions_waiting"], 1)
        self.assertIn(email, self._failed_notices())

    def test_failed_notice_is_retried_up_to_the_limit(self):
        customer = self._make_customer("No Mail Ltd", False)
        invoice, _result = self._demand(customer)
        email = self.events(invoice, step_code="demand", action_kind="email")
        self.run_collections(FINAL_DAY + timedelta(days=1))
        self.assertEqual(email.attempt_count, 2)
        self.run_collections(FINAL_DAY + timedelta(days=1))  # same day: nothing
        self.assertEqual(email.attempt_count, 2)
        self.run_collections(FINAL_DAY + timedelta(days=2))
        self.assertEqual(email.attempt_count, 3)
        # The limit (3) is reached: left to the collector, the hold still waits.
        self.run_collections(FINAL_DAY + timedelta(days=3))
        self.assertEqual(email.attempt_count, 3)
        self.assertEqual(email.state, "failed")
        self.assertFalse(customer.credit_hold)
        self.assertEqual(len(self.events(invoice, step_code="demand")), 2)
        # The collector fixes the address and retries: sent, then the hold.
        customer.email = "fixed@example.com"
        self._failed_notices().with_user(self.collector).action_retry()
        self.run_collections(FINAL_DAY + timedelta(days=4))
        hold = self.events(invoice, step_code="demand", action_kind="credit_hold")
        self.assertEqual(email.state, "done")
        self.assertTrue(email.notice_id)
        self.assertEqual(hold.state, "done")
        self.assertTrue(customer.credit_hold)
        self.assertEqual(len(self.mails_to(customer)), 1)
        self.assertNotIn(email, self._failed_notices())

    def test_retry_limit_is_a_system_parameter(self):
        self.env["ir.config_parameter"].set_param(
            "ar_collections.notice_retry_limit", "1"
        )
        customer = self._make_customer("No Mail Ltd", False)
        invoice, _result = self._demand(customer)
        self.run_collections(FINAL_DAY + timedelta(days=1))
        email = self.events(invoice, step_code="demand", action_kind="email")
        self.assertEqual(email.attempt_count, 1)

    def test_ladder_waits_for_the_failed_notice(self):
        customer = self._make_customer("No Mail Ltd", False)
        invoice = self._make_invoice(customer, MONDAY)
        self.run_collections(MONDAY + timedelta(days=7))
        notice = self.events(invoice, step_code="notice")
        self.assertEqual(notice.state, "failed")
        # The demand does not go out (nor the hold) while the notice has not.
        self.run_collections(FINAL_DAY)
        self.assertFalse(self.events(invoice, step_code="demand"))
        self.assertFalse(customer.credit_hold)

    def _template(self, body):
        template = self.env["mail.template"].create(
            {
                "name": "Test demand",
                "model_id": self.env["ir.model"]._get_id("ar.collection.notice"),
                "subject": "Demand",
                "body_html": body,
            }
        )
        self.env["ir.model.data"].create(
            {
                "module": "ar_test",
                "name": "demand",
                "model": "mail.template",
                "res_id": template.id,
            }
        )
        return template

    def test_missing_template_fails_and_is_retried(self):
        template = self._template("<p>Pay now</p>")
        self.hold_ladder.yaml_source = HOLD_LADDER % "ar_test.demand"
        template.unlink()
        invoice, _result = self._demand(self.customer)
        email = self.events(invoice, step_code="demand", action_kind="email")
        hold = self.events(invoice, step_code="demand", action_kind="credit_hold")
        self.assertEqual(email.state, "failed")
        self.assertIn("ar_test.demand", email.result)
        self.assertEqual(hold.state, "waiting")
        self.assertFalse(self.customer.credit_hold)
        self.run_collections(FINAL_DAY + timedelta(days=1))
        self.assertEqual(email.attempt_count, 2)

    def test_rendering_error_fails_and_hold_waits(self):
        self._template('<p><t t-out="object.no_such_field.name"/></p>')
        self.hold_ladder.yaml_source = HOLD_LADDER % "ar_test.demand"
        invoice, _result = self._demand(self.customer)
        email = self.events(invoice, step_code="demand", action_kind="email")
        hold = self.events(invoice, step_code="demand", action_kind="credit_hold")
        self.assertEqual(email.state, "failed")
        self.assertEqual(hold.state, "waiting")
        self.assertFalse(self.customer.credit_hold)
        self.assertFalse(self.mails_to(self.customer))

    def test_undelivered_mail_marks_the_notice_failed_and_is_sent_again(self):
        # The mail queue fails to deliver it (here: no SMTP server to talk to).
        customer = self._make_customer("Bad Address Ltd", "not an address")
        invoice, _result = self._demand(customer)
        email = self.events(invoice, step_code="demand", action_kind="email")
        self.assertEqual(email.state, "done")
        mail = self.mails_to(customer)
        mail.send()
        self.assertEqual(mail.state, "exception")
        self.assertEqual(email.notice_id.state, "failed")
        self.assertEqual(email.state, "failed")
        self.assertIn("not delivered", email.result)
        self.assertIn(email, self._failed_notices())
        self.assertEqual(email.attempt_count, 1)
        # The next run sends it again (the hold was placed when it was queued).
        customer.email = "good@example.com"
        self.run_collections(FINAL_DAY + timedelta(days=1))
        self.assertEqual(email.state, "done")
        self.assertEqual(email.attempt_count, 2)
        again = self.mails_to(customer) - mail
        self.assertEqual(again.state, "outgoing")
        self.assertEqual(email.notice_id.mail_message_id, again.mail_message_id)


@tagged("post_install", "-at_install")
class TestRunNow(CollectionsCase):
    def test_run_now_queues_the_cron_and_sends_nothing(self):
        invoice = self._make_invoice(self.customer, MONDAY - timedelta(days=7))
        cron = self.env.ref("ar_collections.ir_cron_run_collections")
        Trigger = self.env["ir.cron.trigger"].sudo()
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        action = self.ladder.with_user(self.manager).action_run_now()
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)
        self.assertIn("queued", action["params"]["title"])
        self.assertFalse(self.events(invoice))
        self.assertFalse(self.mails_to(self.customer))

    def test_run_now_needs_a_collections_manager(self):
        with self.assertRaises(AccessError):
            self.ladder.with_user(self.collector).action_run_now()

from datetime import timedelta

from odoo.tests import freeze_time, tagged

from .common import MONDAY, CollectionsCase


@tagged("post_install", "-at_install")
class TestCollectionRun(CollectionsCase):
    def test_shipped_configuration(self):
        stages = self.env["ar.collection.stage"].search([]).mapped("code")
        for code in (
            "current",
            "reminded",
            "overdue",
            "final_demand",
            "agency",
            "legal",
            "written_off",
            "paid",
        ):
            self.assertIn(code, stages)
        self.assertEqual(
            self.ladder.step_ids.mapped("code"),
            ["courtesy", "first_notice", "call", "second_notice", "final_demand"],
        )
        self.assertEqual(self.ladder.step_ids.mapped("day"), [-3, 7, 14, 21, 30])
        self.assertTrue(self.env.ref("ar_collections.ir_cron_run_collections").active)

    def test_steps_are_taken_when_due_and_only_once(self):
        invoice = self._make_invoice(self.customer, MONDAY)
        self.assertEqual(invoice.collection_stage_id.code, "current")

        # Two days before the courtesy step: nothing.
        self.run_collections(MONDAY - timedelta(days=5))
        self.assertFalse(self.events(invoice))

        # Thursday, day -4 ... Friday is day -3: the courtesy reminder.
        result = self.run_collections(MONDAY - timedelta(days=3))
        self.assertEqual(result["steps_taken"], 1)
        self.assertEqual(result["emails"], 1)
        self.assertEqual(invoice.collection_step, "courtesy")
        self.assertEqual(invoice.collection_stage_id.code, "reminded")
        self.assertEqual(len(self.mails_to(self.customer)), 1)

        # Running again the same day changes nothing.
        result = self.run_collections(MONDAY - timedelta(days=3))
        self.assertFalse(result.get("steps_taken"))
        self.assertEqual(len(self.mails_to(self.customer)), 1)
        self.assertEqual(len(self.events(invoice)), 1)

        # Day 7 (a Monday): the first notice.
        self.run_collections(MONDAY + timedelta(days=7))
        self.assertEqual(invoice.collection_step, "first_notice")
        self.assertEqual(invoice.collection_stage_id.code, "overdue")
        self.assertEqual(self.customer.collection_stage_id.code, "overdue")
        self.assertEqual(len(self.mails_to(self.customer)), 2)
        self.assertEqual(invoice.collection_next_step, "call")
        self.assertEqual(invoice.collection_next_date, MONDAY + timedelta(days=14))

    def test_mail_lists_invoices_with_amounts(self):
        invoice = self._make_invoice(self.customer, MONDAY, amount=1234.5)
        self.run_collections(MONDAY + timedelta(days=7))
        mail = self.mails_to(self.customer)
        self.assertEqual(len(mail), 1)
        self.assertIn(invoice.name, mail.body_html)
        self.assertIn("1,234.50", mail.body_html)
        self.assertIn("Payment reminder", mail.subject)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertEqual(mail.state, "outgoing")
        # Posted in the invoice's chatter as well.
        self.assertTrue(
            invoice.message_ids.filtered(lambda m: "first_notice" in (m.body or ""))
        )

    def test_first_seen_late_enters_at_latest_due_step(self):
        invoice = self._make_invoice(self.customer, MONDAY - timedelta(days=35))
        result = self.run_collections(MONDAY)
        self.assertEqual(invoice.collection_step, "final_demand")
        self.assertEqual(invoice.collection_stage_id.code, "final_demand")
        skipped = self.events(invoice, state="skipped")
        self.assertEqual(
            sorted(skipped.mapped("step_code")),
            ["call", "courtesy", "first_notice", "second_notice"],
        )
        self.assertEqual(result["steps_skipped"], 4)
        mails = self.mails_to(self.customer)
        self.assertEqual(len(mails), 1)
        self.assertIn("Final demand", mails.subject)
        self.assertFalse(
            self.env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
            )
        )

    def test_one_message_per_customer_worded_by_most_advanced_step(self):
        late = self._make_invoice(self.customer, MONDAY - timedelta(days=21))
        recent = self._make_invoice(self.customer, MONDAY - timedelta(days=7))
        not_due = self._make_invoice(self.customer, MONDAY + timedelta(days=20))
        self.run_collections(MONDAY)
        mails = self.mails_to(self.customer)
        self.assertEqual(len(mails), 1)
        self.assertIn("Second reminder", mails.subject)
        self.assertIn(late.name, mails.body_html)
        self.assertIn(recent.name, mails.body_html)
        # Not demanded: an invoice not yet due is only in the informational section
        # (#11.1).
        demanded, _sep, informational = mails.body_html.partition(
            "For your information: invoices not yet due"
        )
        self.assertNotIn(not_due.name, demanded)
        self.assertIn(not_due.name, informational)
        self.assertEqual(recent.collection_step, "first_notice")
        self.assertEqual(late.collection_step, "second_notice")
        notice = self.events(recent).notice_id
        self.assertEqual(notice, self.events(late).notice_id)
        self.assertEqual(notice.step_code, "second_notice")

    def test_call_step_creates_activity_for_collector(self):
        self._make_invoice(self.customer, MONDAY - timedelta(days=14))
        self.run_collections(MONDAY)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(activity.date_deadline, MONDAY + timedelta(days=1))

    def test_paid_invoice_leaves_the_ladder(self):
        invoice = self._make_invoice(self.customer, MONDAY)
        self.run_collections(MONDAY - timedelta(days=3))
        self.pay(invoice)
        self.assertEqual(invoice.collection_stage_id.code, "paid")
        result = self.run_collections(MONDAY + timedelta(days=7))
        self.assertFalse(result.get("steps_taken"))
        self.assertEqual(len(self.events(invoice)), 1)

    def test_partial_payment_shows_in_amounts(self):
        invoice = self._make_invoice(
            self.customer, MONDAY - timedelta(days=7), amount=1000
        )
        self.pay(invoice, amount=400)
        self.run_collections(MONDAY)
        mail = self.mails_to(self.customer)
        self.assertIn("600.00", mail.body_html)
        self.assertNotIn("1,000.00", mail.body_html)

    def test_mail_paid_after_queueing_is_not_sent(self):
        invoice = self._make_invoice(self.customer, MONDAY - timedelta(days=7))
        self.run_collections(MONDAY)
        mail = self.mails_to(self.customer)
        self.pay(invoice)
        mail.send()
        self.assertEqual(mail.state, "cancel")
        self.assertEqual(self.events(invoice).notice_id.state, "cancelled")

    def test_below_minimum_overdue_is_left_alone(self):
        invoice = self._make_invoice(
            self.customer, MONDAY - timedelta(days=7), amount=10
        )
        self.run_collections(MONDAY)
        self.assertFalse(self.events(invoice))
        self.assertEqual(invoice.collection_next_date, MONDAY + timedelta(days=1))
        # A second invoice brings the customer over the minimum.
        self._make_invoice(self.customer, MONDAY - timedelta(days=7), amount=30)
        self.run_collections(MONDAY + timedelta(days=1))
        self.assertEqual(invoice.collection_step, "first_notice")

    def test_quiet_weekdays(self):
        invoice = self._make_invoice(self.customer, MONDAY - timedelta(days=2))
        saturday = MONDAY + timedelta(days=5)
        self.run_collections(saturday)
        self.assertFalse(self.events(invoice, state="done"))
        self.assertEqual(invoice.collection_next_date, saturday + timedelta(days=2))
        self.run_collections(saturday + timedelta(days=2))
        self.assertEqual(invoice.collection_step, "first_notice")

    @freeze_time(MONDAY)
    def test_excluded_invoice_and_customer(self):
        invoice = self._make_invoice(self.customer, MONDAY - timedelta(days=7))
        wizard = self.env["ar.collection.exclude.wizard"].create(
            {
                "res_model": "account.move",
                "res_ids": invoice.ids,
                "reason": "Disputed",
                "until": MONDAY + timedelta(days=3),
            }
        )
        wizard.action_confirm()
        self.assertTrue(invoice.collection_excluded)
        self.run_collections(MONDAY)
        self.assertFalse(self.events(invoice))
        excluded = self.env["account.move"].search([("collection_excluded", "=", True)])
        self.assertIn(invoice, excluded)
        # The day after the exclusion ends, the ladder resumes.
        self.run_collections(MONDAY + timedelta(days=4))
        self.assertEqual(invoice.collection_step, "first_notice")

        other = self._make_invoice(self.customer, MONDAY + timedelta(days=3))
        self.customer.with_user(self.manager).action_collection_exclude()
        self.env["ar.collection.exclude.wizard"].with_user(self.manager).create(
            {
                "res_model": "res.partner",
                "res_ids": self.customer.ids,
                "reason": "Insolvency",
            }
        ).action_confirm()
        self.run_collections(MONDAY + timedelta(days=14))
        self.assertFalse(self.events(other))
        self.assertEqual(invoice.collection_step, "first_notice")
        self.customer.action_collection_include()
        self.run_collections(MONDAY + timedelta(days=15))
        self.assertEqual(invoice.collection_step, "call")

    def test_dry_run_changes_nothing(self):
        invoice = self._make_invoice(self.customer, MONDAY - timedelta(days=7))
        result = self.run_collections(MONDAY, dry_run=True)
        self.assertEqual(result["steps_proposed"], 1)
        proposal = [p for p in result["proposals"] if p["type"] == "invoice"]
        self.assertEqual(proposal[0]["move_id"], invoice.id)
        self.assertEqual(proposal[0]["step"], "first_notice")
        self.assertFalse(self.events(invoice))
        self.assertFalse(self.mails_to(self.customer))
        self.assertFalse(invoice.collection_next_date)

    def test_preview_wizard(self):
        self._make_invoice(self.customer, MONDAY - timedelta(days=7))
        preview = self.env["ar.dunning.preview"].create(
            {"ladder_id": self.ladder.id, "date": MONDAY}
        )
        preview.action_compute()
        self.assertEqual(preview.invoice_line_ids.step, "first_notice")
        self.assertEqual(preview.message_line_ids.partner_id, self.customer)
        self.assertEqual(
            preview.message_line_ids.detail, "ar_collections.mail_template_first_notice"
        )
        self.assertFalse(self.mails_to(self.customer))

    def test_customer_without_email_fails_visibly(self):
        customer = self._make_customer("No Mail Ltd", False)
        invoice = self._make_invoice(customer, MONDAY - timedelta(days=7))
        result = self.run_collections(MONDAY)
        event = self.events(invoice, step_code="first_notice")
        self.assertEqual(event.state, "failed")
        self.assertIn("No e-mail address", event.result)
        self.assertEqual(result["actions_failed"], 1)
        # Not retried every day: the step is recorded.
        self.run_collections(MONDAY + timedelta(days=1))
        self.assertEqual(len(self.events(invoice, step_code="first_notice")), 1)

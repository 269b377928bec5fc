"""Collector workbench: worklist, contacts, promises, disputes, payment plans."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from .common import MONDAY, CollectionsCase


def day(offset):
    """MONDAY (the due date of the tests' invoices) plus ``offset`` days."""
    return MONDAY + timedelta(days=offset)


@tagged("post_install", "-at_install")
class TestWorkbench(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Promise = cls.env["ar.collection.promise"]
        cls.Dispute = cls.env["ar.collection.dispute"]
        cls.Plan = cls.env["ar.payment.plan"]
        cls.Worklist = cls.env["ar.collection.worklist"]

    # Helpers -------------------------------------------------------------------------

    def set_ladder_options(self, text):
        """Add top-level keys (e.g. promise_grace_days) to the shipped ladder."""
        self.ladder.yaml_source = self.ladder.yaml_source.replace(
            "steps:\n", f"{text}\nsteps:\n", 1
        )

    def promise(self, moves, amount, date, start, partner=None):
        return self.Promise.create(
            {
                "partner_id": (partner or self.customer).id,
                "move_ids": [(6, 0, moves.ids)],
                "amount": amount,
                "date": date,
                "date_start": start,
            }
        )

    def taken(self, invoice):
        return self.events(invoice, state="done").mapped("step_code")

    def broken_activities(self, partner):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("summary", "=", "Broken promise"),
            ]
        )

    def climb_to_first_notice(self, invoice):
        self.run_collections(day(-3))
        self.run_collections(day(7))
        self.assertEqual(self.taken(invoice), ["first_notice", "courtesy"])

    # Worklist ------------------------------------------------------------------------

    def test_worklist_priority_ordering(self):
        big_recent = self._make_customer("Big Recent", "big@example.com")
        small_old = self._make_customer("Small Old", "old@example.com")
        promised = self._make_customer("Promised", "promised@example.com")
        disputed = self._make_customer("Disputed", "disputed@example.com")
        broken = self._make_customer("Broken", "broken@example.com")
        self._make_invoice(big_recent, day(-10), amount=5000)
        self._make_invoice(small_old, day(-60), amount=1000)
        promised_invoice = self._make_invoice(promised, day(-90), amount=9000)
        disputed_invoice = self._make_invoice(disputed, day(-90), amount=9000)
        broken_invoice = self._make_invoice(broken, day(-5), amount=50)
        self.promise(promised_invoice, 9000, day(5), day(-1), partner=promised)
        self.Dispute.create(
            {
                "partner_id": disputed.id,
                "move_ids": [(6, 0, disputed_invoice.ids)],
                "reason": "price",
                "description": "Price list not applied",
            }
        )
        old_promise = self.promise(broken_invoice, 50, day(-3), day(-4), partner=broken)
        with freeze_time(MONDAY):
            self.Promise._check_open_promises(self.company, MONDAY)
            self.assertEqual(old_promise.state, "broken")
            rows = self.Worklist.search([("collector_id", "=", self.collector.id)])
            names = rows.mapped("partner_id.name")
            # Weights 10 per 1,000 and 1 per day: Small Old 10 + 60 = 70 beats
            # Big Recent 50 + 10 = 60; the broken promise comes first whatever its
            # score, the promised and disputed customers last.
            self.assertEqual(names[:3], ["Broken", "Small Old", "Big Recent"])
            self.assertEqual(set(names[3:]), {"Promised", "Disputed"})
            row = rows.filtered(lambda r: r.partner_id == small_old)
            self.assertEqual(row.overdue_amount, 1000)
            self.assertEqual(row.oldest_days_late, 60)
            self.assertEqual(row.priority, 70)
            promised_row = rows.filtered(lambda r: r.partner_id == promised)
            self.assertEqual(promised_row.open_promise_date, day(5))
            self.assertEqual(promised_row.open_promise_amount, 9000)
            self.assertTrue(
                rows.filtered(lambda r: r.partner_id == disputed).has_open_dispute
            )

            # The amount weighs more: Big Recent (100 + 10) passes Small Old (20 + 60).
            self.company.ar_priority_weight_amount = 20
            names = self.Worklist.search(
                [("collector_id", "=", self.collector.id)]
            ).mapped("partner_id.name")
            self.assertEqual(names[:3], ["Broken", "Big Recent", "Small Old"])

            # Logging a contact with the broken-promise customer takes it off the top.
            self.env["ar.collection.contact"].create(
                {"partner_id": broken.id, "channel": "call", "outcome": "no_answer"}
            )
            names = self.Worklist.search(
                [("collector_id", "=", self.collector.id)]
            ).mapped("partner_id.name")
            self.assertEqual(names[0], "Big Recent")

    def test_worklist_collector_rules_and_reassign(self):
        country = self.env.ref("base.se")
        other = self.env.ref("base.fr")
        nordic = self._make_customer(
            "Nordic", "n@example.com", collector_id=False, country_id=country.id
        )
        french = self._make_customer(
            "French", "f@example.com", collector_id=False, country_id=other.id
        )
        big = self._make_customer(
            "Big", "b@example.com", collector_id=False, country_id=other.id
        )
        self._make_invoice(nordic, day(-10), amount=100)
        self._make_invoice(french, day(-10), amount=100)
        self._make_invoice(big, day(-10), amount=50000)
        rules = self.env["ar.collector.rule"]
        rules.create(
            {
                "sequence": 1,
                "country_ids": [(6, 0, country.ids)],
                "collector_id": self.collector.id,
            }
        )
        rules.create(
            {"sequence": 2, "min_overdue": 10000, "collector_id": self.manager.id}
        )
        self.run_collections(MONDAY)
        self.assertEqual(nordic.collector_id, self.collector)
        self.assertEqual(big.collector_id, self.manager)
        self.assertFalse(french.collector_id)

        # Bulk reassignment: managers only.
        wizard = self.env["ar.collector.reassign.wizard"].create(
            {
                "partner_ids": [(6, 0, (nordic | french).ids)],
                "collector_id": self.manager.id,
            }
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.collector).action_confirm()
        wizard.with_user(self.manager).action_confirm()
        self.assertEqual((nordic | french).collector_id, self.manager)

    # Contacts ------------------------------------------------------------------------

    def test_log_call_with_promise_as_collector(self):
        invoice = self._make_invoice(self.customer, day(-20), amount=400)
        person = self.env["res.partner"].create(
            {"name": "Paula Payables", "parent_id": self.customer.id}
        )
        with freeze_time(MONDAY):
            action = self.customer.with_user(
                self.collector
            ).action_collection_log_contact()
            wizard = (
                self.env["ar.collection.contact.wizard"]
                .with_user(self.collector)
                .with_context(action["context"])
                .create(
                    {
                        "contact_person_id": person.id,
                        "channel": "call",
                        "reason": "cash_flow",
                        "note": "Waiting for a customer of theirs to pay",
                        "create_promise": True,
                        "promise_amount": 400,
                        "promise_date": day(7),
                    }
                )
            )
            wizard.action_confirm()
        contact = self.customer.collection_contact_ids
        self.assertEqual(len(contact), 1)
        self.assertEqual(contact.reason, "cash_flow")
        self.assertEqual(contact.user_id, self.collector)
        self.assertEqual(contact.move_ids, invoice)
        promise = contact.promise_id
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.move_ids, invoice)
        self.assertEqual(promise.residual_start, 400)
        self.assertEqual(promise.collector_id, self.collector)
        self.assertIn("Promise to pay", self.customer.message_ids[0].body)

        # A dispute in the same step, from the invoice.
        with freeze_time(MONDAY):
            action = invoice.with_user(self.collector).action_collection_log_contact()
            self.env["ar.collection.contact.wizard"].with_user(
                self.collector
            ).with_context(action["context"]).create(
                {
                    "channel": "email",
                    "reason": "dissatisfied",
                    "create_dispute": True,
                    "dispute_reason": "damaged",
                    "dispute_description": "Two pallets arrived broken",
                    "dispute_responsible_id": self.manager.id,
                    "dispute_date_due": day(10),
                }
            ).action_confirm()
        dispute = self.customer.collection_dispute_ids
        self.assertEqual(dispute.move_ids, invoice)
        self.assertEqual(dispute.responsible_id, self.manager)
        self.assertEqual(dispute.activity_ids.user_id, self.manager)

    def test_promise_needs_open_invoice_of_the_customer(self):
        other = self._make_customer("Other", "other@example.com")
        invoice = self._make_invoice(other, day(-5))
        with self.assertRaises(UserError):
            self.promise(invoice, 100, day(5), day(0))

    # Promises ------------------------------------------------------------------------

    def test_promise_pauses_then_broken_resumes_shifted(self):
        invoice = self._make_invoice(self.customer, MONDAY, amount=500)
        self.climb_to_first_notice(invoice)
        promise = self.promise(invoice, 500, day(16), day(9))
        # Day 14: the call would be due, the promise holds it.
        self.run_collections(day(14))
        self.assertNotIn("call", self.taken(invoice))
        self.assertEqual(invoice.collection_next_date, day(17))
        self.assertFalse(self.broken_activities(self.customer))
        # Day 17: nothing was paid: broken, an activity for the collector, the ladder
        # resumes; the 8 days paused (9 to 16) push the call from day 14 to day 22.
        self.run_collections(day(17))
        self.assertEqual(promise.state, "broken")
        self.assertEqual(promise.date_closed, day(17))
        activity = self.broken_activities(self.customer)
        self.assertEqual(activity.user_id, self.collector)
        self.assertNotIn("call", self.taken(invoice))
        self.assertEqual(invoice.collection_next_date, day(22))
        self.run_collections(day(21))
        self.assertNotIn("call", self.taken(invoice))
        self.run_collections(day(22))
        self.assertIn("call", self.taken(invoice))

    def test_broken_promise_grace_and_jump(self):
        self.set_ladder_options(
            "promise_grace_days: 2\non_broken_promise: {step: final_demand}"
        )
        invoice = self._make_invoice(self.customer, MONDAY, amount=500)
        self.climb_to_first_notice(invoice)
        promise = self.promise(invoice, 500, day(16), day(9))
        self.pay(invoice, 100)
        # Within the grace days (16 + 2): still open, still paused.
        self.run_collections(day(18))
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.amount_paid, 100)
        self.assertNotIn("call", self.taken(invoice))
        # Day 21 (Monday): broken; the ladder jumps to the final demand at once.
        self.run_collections(day(21))
        self.assertEqual(promise.state, "broken")
        self.assertEqual(self.taken(invoice)[0], "final_demand")
        skipped = self.events(invoice, state="skipped").mapped("step_code")
        self.assertEqual(set(skipped), {"call", "second_notice"})
        # The jump is taken once.
        self.run_collections(day(28))
        self.assertEqual(self.taken(invoice).count("final_demand"), 1)

    def test_promise_kept_resumes_without_burst(self):
        invoice = self._make_invoice(self.customer, MONDAY, amount=500)
        other = self._make_invoice(self.customer, MONDAY, amount=300)
        self.climb_to_first_notice(invoice)
        promise = self.promise(invoice | other, 300, day(20), day(9))
        self.pay(other)
        self.run_collections(day(14))
        self.assertEqual(promise.state, "kept")
        self.assertEqual(promise.date_closed, day(14))
        self.assertFalse(self.broken_activities(self.customer))
        # Paused days 9 to 13 (5 days): the call moves from day 14 to day 19, a
        # Saturday (quiet): Monday, day 21.
        self.assertNotIn("call", self.taken(invoice))
        self.assertEqual(invoice.collection_next_date, day(21))
        self.run_collections(day(20))
        self.assertNotIn("call", self.taken(invoice))
        self.run_collections(day(21))
        self.assertIn("call", self.taken(invoice))

    def test_kept_and_broken_rates(self):
        second = self._make_customer("Second", "second@example.com")
        moves = [
            self._make_invoice(self.customer, day(-10), amount=100) for _ in range(3)
        ]
        other = self._make_invoice(second, day(-10), amount=100)
        promises = [self.promise(move, 100, day(2), day(0)) for move in moves]
        self.promise(other, 100, day(2), day(0), partner=second)
        self.pay(moves[0])
        self.pay(moves[1])
        self.Promise._check_open_promises(self.company, day(3))
        self.assertEqual([p.state for p in promises], ["kept", "kept", "broken"])
        rates = self.Promise._kept_broken_rates("partner_id")
        self.assertEqual(rates[self.customer.id]["kept"], 2)
        self.assertEqual(rates[self.customer.id]["broken"], 1)
        self.assertAlmostEqual(rates[self.customer.id]["rate"], 66.7)
        self.assertEqual(rates[second.id]["rate"], 0.0)
        self.assertAlmostEqual(self.customer.collection_promise_kept_rate, 66.7)
        by_collector = self.Promise._kept_broken_rates("collector_id")
        self.assertEqual(by_collector[self.collector.id]["kept"], 2)
        self.assertEqual(by_collector[self.collector.id]["broken"], 2)
        self.assertEqual(by_collector[self.collector.id]["rate"], 50.0)

    # Disputes ------------------------------------------------------------------------

    def dispute(self, moves, start):
        return self.Dispute.create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, moves.ids)],
                "reason": "quantity",
                "description": "Delivered 8, billed 10",
                "date_open": start,
                "responsible_id": self.manager.id,
            }
        )

    def test_dispute_excludes_then_customer_wrong_resumes_shifted(self):
        invoice = self._make_invoice(self.customer, MONDAY, amount=500)
        undisputed = self._make_invoice(self.customer, MONDAY, amount=200)
        self.climb_to_first_notice(invoice)
        dispute = self.dispute(invoice, day(8))
        self.run_collections(day(14))
        self.assertNotIn("call", self.taken(invoice))
        self.assertIn("call", self.taken(undisputed))
        self.run_collections(day(30))
        self.run_collections(day(35))  # Monday: day 30 + 5 days between steps
        self.assertNotIn("final_demand", self.taken(invoice))
        self.assertEqual(self.taken(undisputed)[:2], ["final_demand", "second_notice"])
        # The disputed invoice is left out of the customer's second notice and final
        # demand (each e-mail picked by its step)...
        for step in ("second_notice", "final_demand"):
            notice = self.env["ar.collection.notice"].search(
                [
                    ("partner_id", "=", self.customer.id),
                    ("step_code", "=", step),
                    ("channel", "=", "email"),
                ]
            )
            self.assertEqual(len(notice), 1, step)
            self.assertEqual(notice.move_ids, undisputed, step)
            mail = self.env["mail.mail"].search(
                [("mail_message_id", "=", notice.mail_message_id.id)]
            )
            self.assertEqual(len(mail), 1, step)
            self.assertIn(undisputed.name, mail.body_html, step)
            self.assertNotIn(invoice.name, mail.body_html, step)
        # ...but stays on the customer's overdue list and worklist.
        with freeze_time(day(35)):
            self.assertIn(invoice, self.customer.collection_overdue_move_ids)
            row = self.Worklist.search([("partner_id", "=", self.customer.id)])
            self.assertEqual(row.overdue_amount, 700)
        # Resolved on day 36, customer wrong: paused 8..35 (28 days), the call moves
        # from day 14 to day 42; no catch-up the day the dispute ends.
        result = dispute.action_resolve("customer_wrong", today=day(36))
        self.assertIs(result, True)
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.outcome, "customer_wrong")
        self.run_collections(day(36))
        self.assertNotIn("call", self.taken(invoice))
        self.assertEqual(invoice.collection_next_date, day(42))
        self.run_collections(day(42))
        self.assertIn("call", self.taken(invoice))

    def test_dispute_customer_right_requests_credit_note(self):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": day(-30),
                "invoice_date_due": MONDAY,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_a.id,
                            "quantity": 1,
                            "price_unit": 500,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        dispute = self.dispute(invoice, day(8))
        self.assertEqual(dispute.product_ids, self.product_a)
        dispute.write_off_reason = "allowed_deduction"
        dispute.resolution_note = "Two units short, confirmed by the warehouse"
        dispute.action_resolve("customer_right", today=day(12))
        self.assertEqual(dispute.outcome, "customer_right")
        self.assertEqual(dispute.date_resolved, day(12))
        request = self.env["ar.write.off.request"].search(
            [("move_ids", "in", invoice.ids)]
        )
        self.assertEqual(len(request), 1)
        self.assertEqual(request.reason, "allowed_deduction")
        self.assertEqual(request.state, "draft")
        self.assertEqual(request.amount, 500)
        # Followed to the end: submitted, approved by a collections manager (500 is
        # in the middle band), posted as a credit note that settles the invoice.
        request.action_submit()
        self.assertEqual(request.state, "submitted")
        request.with_user(self.manager).action_approve()
        self.assertEqual(request.state, "posted")
        refund = request.write_off_move_ids
        self.assertEqual(len(refund), 1)
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertEqual(refund.amount_total, 500)
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertEqual(invoice.collection_stage_id.code, "written_off")
        with self.assertRaises(UserError):
            dispute.action_resolve("customer_wrong")
        with self.assertRaises(UserError):
            dispute.unlink()
        # The report groups by reason, product and responsible.
        groups = self.Dispute._read_group(
            [("id", "=", dispute.id)],
            ["reason", "product_ids", "responsible_id"],
            ["dispute_count:sum"],
        )
        self.assertEqual(groups, [("quantity", self.product_a, self.manager, 1)])

    # Payment plans -------------------------------------------------------------------

    def make_plan(self, moves, start, first, count=3, interval=10):
        with freeze_time(start):
            plan = self.Plan.create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [(6, 0, moves.ids)],
                    "instalment_count": count,
                    "interval_days": interval,
                    "first_date": first,
                    "interest_rate": 6.0,
                    "guarantee_notes": "Personal guarantee of the CEO",
                }
            )
            plan.action_compute_instalments()
            plan.action_activate()
        return plan

    def test_plan_breach_resumes_shifted(self):
        invoice = self._make_invoice(self.customer, MONDAY, amount=300)
        self.climb_to_first_notice(invoice)
        plan = self.make_plan(invoice, day(10), day(20))
        self.assertEqual(plan.instalment_ids.mapped("amount"), [100, 100, 100])
        self.assertEqual(
            plan.instalment_ids.mapped("date"), [day(20), day(30), day(40)]
        )
        self.assertEqual(plan.date_start, day(10))
        self.run_collections(day(14))
        self.assertNotIn("call", self.taken(invoice))
        self.pay(invoice, 100)
        self.run_collections(day(21))
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.instalment_ids[0].amount_paid, 100)
        # Day 31: the second instalment (day 30) was missed: breached, an activity,
        # and the ladder resumes, pushed back by the 21 days paused (10 to 30).
        self.run_collections(day(31))
        self.assertEqual(plan.state, "breached")
        activity = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.customer.id),
                ("summary", "=", "Payment plan breached"),
            ]
        )
        self.assertEqual(activity.user_id, self.collector)
        self.assertNotIn("call", self.taken(invoice))
        self.assertEqual(invoice.collection_next_date, day(35))
        self.run_collections(day(35))
        self.assertIn("call", self.taken(invoice))

    def test_plan_completed_and_agreement(self):
        invoice = self._make_invoice(self.customer, MONDAY, amount=300)
        plan = self.make_plan(invoice, day(10), day(20), count=2)
        self.assertEqual(plan.instalment_ids.mapped("amount"), [150, 150])
        self.assertGreater(plan.interest_amount, 0)
        with self.assertRaises(UserError):
            plan.unlink()
        # (in tests Odoo renders the report's HTML instead of calling wkhtmltopdf)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("ar_collections.action_report_payment_plan", plan.ids)[0]
            .decode()
        )
        self.assertIn("Payment plan agreement", html)
        self.assertIn("Personal guarantee of the CEO", html)
        action = plan.action_send()
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.pay(invoice)
        self.env["ar.collection.daily.check"]._before_run(self.company, day(22))
        self.assertEqual(plan.state, "completed")

    def test_plan_refuses_bad_instalments(self):
        invoice = self._make_invoice(self.customer, MONDAY, amount=300)
        with freeze_time(day(10)):
            plan = self.Plan.create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [(6, 0, invoice.ids)],
                    "amount_total": 300,
                    "instalment_ids": [(0, 0, {"date": day(20), "amount": 100})],
                }
            )
            with self.assertRaises(UserError):
                plan.action_activate()
            self.assertEqual(plan.state, "draft")

    # Customer view -------------------------------------------------------------------

    def test_customer_view_resend_and_history(self):
        invoice = self._make_invoice(self.customer, day(-20), amount=400)
        self._make_invoice(self.customer, day(20), amount=100)
        with freeze_time(MONDAY):
            self.assertEqual(self.customer.collection_overdue_move_ids, invoice)
            action = self.customer.action_collection_resend_invoices()
        self.assertEqual(action["res_model"], "account.move.send.wizard")
        self.assertEqual(action["context"]["active_ids"], invoice.ids)
        self.promise(invoice, 100, day(5), day(0))
        self.assertEqual(self.customer.collection_promise_count, 1)
        self.assertEqual(
            self.customer.action_view_collection_promises()["domain"],
            [("partner_id", "=", self.customer.id)],
        )

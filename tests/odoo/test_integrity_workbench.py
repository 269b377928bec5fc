"""Workbench cases keep their integrity: no collector (nor any caller) pauses the
ladder for good by writing a state, a date or an agreed term directly; cases take
their customer from their invoices; one rule says which ladder applies."""

from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from .common import MONDAY, CollectionsCase

# What a caller might try to unlock a protected write with.
FORGED_CONTEXTS = (
    {"ar_case_workflow": True},
    {"ar_case_workflow": "1"},
    {"ar_credit_hold_transition": True},
    {"tracking_disable": True, "install_mode": True},
)


def day(offset):
    return MONDAY + timedelta(days=offset)


@tagged("post_install", "-at_install")
class TestIntegrityWorkbench(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Promise = cls.env["ar.collection.promise"]
        cls.Dispute = cls.env["ar.collection.dispute"]
        cls.Plan = cls.env["ar.payment.plan"]
        cls.Run = cls.env["ar.collection.run"]

    # Helpers -------------------------------------------------------------------------

    def assert_refused(self, records, vals, error=UserError):
        """``vals`` is refused for the collector, the manager and the superuser,
        with and without every forged context; nothing is written."""
        before = {name: records[name] for name in vals}
        callers = {
            "collector": records.with_user(self.collector),
            "manager": records.with_user(self.manager),
            "superuser": records.sudo(),
        }
        for label, target in callers.items():
            for context in ({}, *FORGED_CONTEXTS):
                with (
                    self.subTest(caller=label, context=context),
                    self.assertRaises(error),
                ):
                    target.with_context(**context).write(vals)
        records.invalidate_recordset()
        for name, value in before.items():
            self.assertEqual(records[name], value, f"{name} was changed")

    def assert_create_refused(self, model, vals):
        for target in (
            self.env[model].with_user(self.collector),
            self.env[model].sudo(),
        ):
            for context in ({}, *FORGED_CONTEXTS):
                with (
                    self.subTest(user=target.env.uid, context=context),
                    self.assertRaises(UserError),
                ):
                    target.with_context(**context).create(dict(vals))

    def promise(self, invoice, date, start, user=None):
        return (
            self.Promise.with_user(user or self.env.user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [(6, 0, invoice.ids)],
                    "amount": invoice.amount_residual,
                    "date": date,
                    "date_start": start,
                }
            )
            .with_user(self.env.user)
        )

    def dispute(self, invoice, start, user=None):
        return (
            self.Dispute.with_user(user or self.env.user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [(6, 0, invoice.ids)],
                    "reason": "price",
                    "description": "Price list not applied",
                    "date_open": start,
                }
            )
            .with_user(self.env.user)
        )

    def draft_plan(self, invoice, user=None):
        plan = self.Plan.with_user(user or self.env.user).create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "instalment_count": 2,
                "interval_days": 10,
            }
        )
        plan.action_compute_instalments()
        return plan.with_user(self.env.user)

    # 1. Payment plans: state and agreed terms ---------------------------------------

    def test_plan_state_only_through_its_actions(self):
        invoice = self._make_invoice(self.customer, day(-20), amount=300)
        plan = self.draft_plan(invoice, user=self.collector)
        for state in ("active", "completed", "breached"):
            self.assert_refused(plan, {"state": state})
        self.assert_refused(plan, {"date_start": day(-60)})
        self.assert_refused(plan, {"date_end": day(-1)})
        self.assert_create_refused(
            "ar.payment.plan",
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "state": "active",
                "date_start": day(-60),
            },
        )
        self.assertEqual(plan.state, "draft")
        self.assertFalse(self.Run._get_paused(invoice, day(0)))

    def test_plan_activation_is_for_managers(self):
        invoice = self._make_invoice(self.customer, day(-20), amount=300)
        plan = self.draft_plan(invoice, user=self.collector)
        with self.assertRaises(AccessError):
            plan.with_user(self.collector).action_activate()
        with self.assertRaises(AccessError):
            plan.with_user(self.collector).with_context(
                ar_case_workflow=True
            ).action_activate()
        self.assertEqual(plan.state, "draft")
        plan.with_user(self.manager).action_activate()
        self.assertEqual(plan.state, "active")
        self.assertTrue(plan.date_start)

    def test_active_plan_terms_are_frozen(self):
        invoice = self._make_invoice(self.customer, day(-20), amount=300)
        other = self._make_invoice(self.customer, day(-20), amount=50)
        plan = self.draft_plan(invoice)
        plan.action_activate()
        instalment = plan.instalment_ids[-1]
        far = instalment.date + timedelta(days=3650)
        self.assert_refused(plan, {"move_ids": [(4, other.id)]})
        self.assert_refused(plan, {"amount_total": 1})
        self.assert_refused(plan, {"first_date": far})
        self.assert_refused(
            plan, {"instalment_ids": [(1, instalment.id, {"date": far})]}
        )
        # The instalments themselves: neither moved, added nor removed.
        self.assert_refused(instalment, {"date": far})
        self.assert_refused(instalment, {"amount": 1})
        for target in (instalment.with_user(self.collector), instalment.sudo()):
            with self.assertRaises(UserError):
                target.unlink()
            with self.assertRaises(UserError):
                target.create({"plan_id": plan.id, "date": far, "amount": 1})
        self.assertEqual(len(plan.instalment_ids), 2)
        # What is not part of the agreement stays editable.
        plan.with_user(self.collector).write(
            {"customer_confirmed": True, "guarantee_notes": "Signed"}
        )
        self.assertTrue(plan.customer_confirmed)

    def test_draft_plan_stays_editable(self):
        invoice = self._make_invoice(self.customer, day(-20), amount=300)
        plan = self.draft_plan(invoice, user=self.collector)
        as_collector = plan.with_user(self.collector)
        as_collector.write({"instalment_count": 3, "interest_rate": 4})
        as_collector.action_compute_instalments()
        self.assertEqual(len(plan.instalment_ids), 3)
        as_collector.instalment_ids[0].date += timedelta(days=1)

    def test_daily_check_still_completes_and_breaches(self):
        paid = self._make_invoice(self.customer, day(-20), amount=300)
        late = self._make_invoice(self.customer, day(-20), amount=300)
        with freeze_time(day(0)):
            completed = self.draft_plan(paid)
            completed.action_activate()
            breached = self.draft_plan(late)
            breached.action_activate()
        self.pay(paid)
        check = self.env["ar.collection.daily.check"]
        check._before_run(self.company, breached.instalment_ids[0].date + timedelta(1))
        self.assertEqual(completed.state, "completed")
        self.assertEqual(breached.state, "breached")

    # 1. Promises ---------------------------------------------------------------------

    def test_promise_state_and_terms(self):
        invoice = self._make_invoice(self.customer, day(-20), amount=300)
        with freeze_time(day(0)):
            promise = self.promise(invoice, day(5), day(0), user=self.collector)
        self.assertEqual(promise.collector_id, self.collector)
        # Ten years ahead, or a broken promise reopened: the ladder would pause.
        self.assert_refused(promise, {"date": day(3650)})
        self.assert_refused(promise, {"date_start": day(-300)})
        self.assert_refused(promise, {"amount": 1})
        self.assert_refused(promise, {"state": "kept"})
        self.assert_refused(promise, {"residual_start": 10**9})
        self.Promise._check_open_promises(self.company, day(6))
        self.assertEqual(promise.state, "broken")
        self.assert_refused(promise, {"state": "open"})
        self.assert_refused(promise, {"followed_up": True})
        self.assertFalse(self.Run._get_paused(invoice, day(6)))
        with freeze_time(day(0)):
            for forged in ({"state": "kept"}, {"residual_start": 1}):
                self.assert_create_refused(
                    "ar.collection.promise",
                    {
                        "partner_id": self.customer.id,
                        "move_ids": [(6, 0, invoice.ids)],
                        "amount": 300,
                        "date": day(5),
                    }
                    | forged,
                )

    def test_collector_cannot_backdate_a_promise(self):
        invoice = self._make_invoice(self.customer, day(-60), amount=300)
        with freeze_time(day(0)):
            with self.assertRaises(UserError):
                self.promise(invoice, day(2), day(-40), user=self.collector)
            with self.assertRaises(UserError):
                self.promise(invoice, day(2), day(-1), user=self.collector)
            self.assertFalse(self.Promise.search([("move_ids", "in", invoice.ids)]))
            # A manager records a promise made last week.
            self.promise(invoice, day(2), day(-7), user=self.manager)

    # 1. Disputes ---------------------------------------------------------------------

    def test_dispute_is_resolved_not_reopened(self):
        invoice = self._make_invoice(self.customer, day(-20), amount=300)
        other = self._make_invoice(self.customer, day(-20), amount=100)
        with freeze_time(day(0)):
            dispute = self.dispute(invoice, day(0), user=self.collector)
        self.assert_refused(dispute, {"state": "resolved"})
        self.assert_refused(dispute, {"move_ids": [(4, other.id)]})
        self.assert_refused(dispute, {"date_open": day(-300)})
        with freeze_time(day(3)):
            with self.assertRaises(UserError):
                dispute.with_user(self.collector).action_resolve(
                    "customer_wrong", today=day(3650)
                )
            self.assertEqual(dispute.state, "open")
            dispute.with_user(self.collector).action_resolve("customer_wrong")
        self.assertEqual(dispute.date_resolved, day(3))
        self.assert_refused(dispute, {"state": "open"})
        self.assert_refused(dispute, {"date_resolved": False})
        self.assert_refused(dispute, {"outcome": "customer_right"})
        self.assertFalse(self.Run._get_paused(invoice, day(4)))
        self.assert_create_refused(
            "ar.collection.dispute",
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "reason": "price",
                "description": "x",
                "state": "resolved",
            },
        )
        # Editable: what the investigation needs.
        dispute.with_user(self.collector).write({"resolution_note": "Agreed"})

    def test_collector_cannot_backdate_a_dispute(self):
        invoice = self._make_invoice(self.customer, day(-60), amount=300)
        with freeze_time(day(0)):
            with self.assertRaises(UserError):
                self.dispute(invoice, day(-30), user=self.collector)
            self.dispute(invoice, day(-30), user=self.manager)

    # 2. Cases take their customer from the invoices ----------------------------------

    def test_cases_from_invoices_alone(self):
        contact = self.env["res.partner"].create(
            {"name": "Paula Payables", "parent_id": self.customer.id}
        )
        invoice = self._make_invoice(contact, day(-20), amount=300)
        with freeze_time(day(0)):
            promise = self.Promise.with_user(self.collector).create(
                {"move_ids": [(6, 0, invoice.ids)], "amount": 100, "date": day(3)}
            )
            dispute = self.Dispute.with_user(self.collector).create(
                {
                    "move_ids": [(6, 0, invoice.ids)],
                    "reason": "price",
                    "description": "Wrong price",
                }
            )
            plan = self.Plan.with_user(self.collector).create(
                {"move_ids": [(6, 0, invoice.ids)]}
            )
        for case in (promise, dispute, plan):
            with self.subTest(case=case._name):
                self.assertEqual(case.partner_id, self.customer)
                self.assertEqual(case.company_id, invoice.company_id)
                self.assertEqual(case.move_ids, invoice)
        self.assertEqual(promise.collector_id, self.collector)
        self.assertEqual(promise.residual_start, 300)
        self.assertEqual(dispute.amount_disputed, 300)

    def test_cases_refuse_other_customers_invoices(self):
        other = self._make_customer("Other", "other@example.com")
        mine = self._make_invoice(self.customer, day(-20))
        theirs = self._make_invoice(other, day(-20))
        with freeze_time(day(0)):
            for model, vals in (
                ("ar.collection.promise", {"amount": 10, "date": day(3)}),
                ("ar.collection.dispute", {"reason": "price", "description": "x"}),
                ("ar.payment.plan", {}),
            ):
                with self.subTest(model=model), self.assertRaises(UserError):
                    self.env[model].create(
                        {"move_ids": [(6, 0, (mine | theirs).ids)]} | vals
                    )

    # 3. Pauses gathered from every case model ----------------------------------------

    def test_case_models_and_merged_pauses(self):
        models = self.env["ar.collection.case.mixin"]._ar_case_models()
        for name in (
            "ar.collection.promise",
            "ar.collection.dispute",
            "ar.payment.plan",
        ):
            self.assertIn(name, models)
        invoice = self._make_invoice(self.customer, day(-20), amount=300)
        with freeze_time(day(0)):
            self.promise(invoice, day(10), day(0))
        self.assertEqual(self.Run._get_paused(invoice, day(1)), {invoice.id: day(10)})
        # An exclusion until later wins over the promise...
        invoice.write(
            {"collection_excluded": True, "collection_exclusion_until": day(20)}
        )
        self.assertEqual(self.Run._get_paused(invoice, day(1)), {invoice.id: day(20)})
        # ...an open dispute (open-ended) over both.
        with freeze_time(day(2)):
            self.dispute(invoice, day(2))
        self.assertEqual(self.Run._get_paused(invoice, day(2)), {invoice.id: None})
        # The exclusion does not shift the ladder; promise and dispute do, once.
        self.assertEqual(self.Run._get_shift_days(invoice, day(8)), {invoice.id: 8})

    def test_pause_queries_do_not_grow_with_invoices(self):
        def queries(count):
            moves = self.env["account.move"]
            for index in range(count):
                customer = self._make_customer(f"C{count}-{index}", f"c{index}@x.com")
                move = self._make_invoice(customer, day(-20), amount=100)
                moves |= move
                with freeze_time(day(0)):
                    self.Promise.create(
                        {"move_ids": [(6, 0, move.ids)], "amount": 50, "date": day(5)}
                    )
                    self.Dispute.create(
                        {
                            "move_ids": [(6, 0, move.ids)],
                            "reason": "price",
                            "description": "x",
                        }
                    )
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.Run._get_paused(moves, day(3))
            self.Run._get_shift_days(moves, day(3))
            self.Run._get_jumps(moves, day(3))
            return self.env.cr.sql_log_count - before

        queries(1)  # caches warm (parsed ladders, model metadata)
        self.assertEqual(queries(2), queries(8))

    # 3. One rule says which ladder applies -------------------------------------------

    def make_ladder(self, code, options, sequence=50):
        source = self.ladder.yaml_source.replace(
            "code: standard_b2b", f"code: {code}", 1
        ).replace("steps:\n", f"{options}\nsteps:\n", 1)
        return self.Ladder.create(
            {"yaml_source": source, "sequence": sequence, "company_id": self.company.id}
        )

    def test_promise_grace_and_jump_use_the_runs_ladder(self):
        patient = self.make_ladder(
            "patient", "promise_grace_days: 5\non_broken_promise: {step: final_demand}"
        )
        self.customer.with_company(self.company).collection_ladder_id = patient
        invoice = self._make_invoice(self.customer, day(-20), amount=300)
        other = self._make_invoice(
            self._make_customer("Default", "d@example.com"), day(-20)
        )
        ladders = self.Ladder._ar_ladders_for_moves(invoice | other)
        self.assertEqual(ladders, {invoice.id: patient, other.id: self.ladder})
        self.assertEqual(self.Promise._grace_days_by_move(invoice), {invoice.id: 5})
        with freeze_time(day(0)):
            promise = self.promise(invoice, day(3), day(0))
        # Held to the promise date plus the customer's ladder's grace days.
        self.assertEqual(self.Run._get_paused(invoice, day(4)), {invoice.id: day(8)})
        self.Promise._check_open_promises(self.company, day(9))
        self.assertEqual(promise.state, "broken")
        self.assertEqual(
            self.Run._get_jumps(invoice, day(9)), {invoice.id: "final_demand"}
        )

    def test_applies_to_ladder_chosen_like_the_run(self):
        tag = self.env["res.partner.category"].create({"name": "Nordic"})
        nordic = self.make_ladder(
            "nordic",
            "applies_to: {partner_tags: [Nordic]}\npromise_grace_days: 3",
            sequence=1,
        )
        customer = self._make_customer(
            "Tagged", "t@example.com", category_id=[(6, 0, tag.ids)]
        )
        invoice = self._make_invoice(customer, day(-20))
        self.assertEqual(
            self.Ladder._ar_ladders_for_moves(invoice), {invoice.id: nordic}
        )
        self.assertEqual(self.Promise._grace_days_by_move(invoice), {invoice.id: 3})

    # 3. The daily checks' home -------------------------------------------------------

    def test_daily_check_cron(self):
        cron = self.env.ref("ar_collections.ir_cron_workbench_daily_checks")
        self.assertEqual(cron.model_id.model, "ar.collection.daily.check")
        self.assertNotIn("_before_run", dir(self.env["ar.collection.worklist"]))
        invoice = self._make_invoice(self.customer, day(-20), amount=300)
        with freeze_time(day(0)):
            promise = self.promise(invoice, day(1), day(0))
        with freeze_time(day(5)):
            cron.sudo().method_direct_trigger()
        self.assertEqual(promise.state, "broken")

"""The managers' overview: its figures equal the reports they summarise."""

from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from .test_reporting import ReportingCase

TODAY = date(2026, 6, 30)


def days(n):
    return TODAY + timedelta(days=n)


@tagged("post_install", "-at_install")
class TestOverview(ReportingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Overview = cls.env["ar.collection.overview"]
        cls.Ageing = cls.env["ar.collection.ageing"]
        cls.other_customer = cls._make_customer("Beta Ltd", "beta@example.com")

    def overview(self, user=None, companies=None):
        Overview = self.Overview.with_user(user or self.manager)
        if companies:
            Overview = Overview.with_context(allowed_company_ids=companies.ids)
        return Overview.get_overview()

    def book(self):
        """A fixed book: 1_30 900 (1000 less a 100 credit note), 31_60 500,
        91_120 300, over 120 200, 700 not due."""
        self._make_invoice(self.customer, days(-10), 1000.0)
        self.make_refund(self.customer, days(-10), 100.0)
        self._make_invoice(self.customer, days(-45), 500.0)
        self._make_invoice(self.other_customer, days(-100), 300.0)
        self._make_invoice(self.other_customer, days(-200), 200.0)
        self._make_invoice(self.other_customer, days(5), 700.0)

    @freeze_time(TODAY)
    def test_overdue_equals_ageing(self):
        self.book()
        data = self.overview()
        report = dict(
            self.Ageing._read_group(
                [("days_late", ">", 0)], ["bucket"], ["residual:sum"]
            )
        )
        buckets = {
            bucket["key"]: bucket["amount"] for bucket in data["overdue"]["buckets"]
        }
        self.assertEqual(
            buckets,
            {
                "1_30": 900.0,
                "31_60": 500.0,
                "61_90": 0.0,
                "91_120": 300.0,
                "over_120": 200.0,
            },
        )
        self.assertEqual({k: v for k, v in buckets.items() if v}, report)
        self.assertEqual(data["overdue"]["total"], 1900.0)
        # this week's bar of the trend is the ageing report of today
        trend = {
            serie["key"]: serie["values"][-1]
            for serie in data["overdue"]["trend"]["series"]
        }
        self.assertEqual(trend, buckets)
        self.assertEqual(data["overdue"]["trend"]["dates"][-1], "2026-06-30")
        # each figure opens the rows it sums
        for bucket in data["overdue"]["buckets"]:
            action = bucket["action"]
            rows = self.env[action["res_model"]].search(action["domain"])
            self.assertEqual(
                sum(rows.mapped("residual")), bucket["amount"], bucket["key"]
            )
        action = data["overdue"]["action"]
        rows = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(sum(rows.mapped("residual")), 1900.0)

    @freeze_time(TODAY)
    def test_top_customers_and_stages(self):
        self.book()
        data = self.overview()
        top = [(c["id"], c["amount"], c["collector"]) for c in data["top_customers"]]
        self.assertEqual(
            top,
            [
                (self.customer.id, 1400.0, self.collector.name),
                (self.other_customer.id, 500.0, self.collector.name),
            ],
        )
        self.assertEqual(data["top_customers"][0]["action"]["res_id"], self.customer.id)
        by_stage = {
            stage.id: (amount, count)
            for stage, amount, count in self.Ageing._read_group(
                [], ["stage_id"], ["residual:sum", "__count"]
            )
        }
        self.assertEqual(
            {s["id"]: (s["amount"], s["count"]) for s in data["stages"]}, by_stage
        )
        self.assertEqual(sum(s["amount"] for s in data["stages"]), 2600.0)

    @freeze_time(TODAY)
    def test_stage_moves_of_the_week(self):
        """Only the invoice whose stage was set this week counts as moved."""
        earlier = self._make_invoice(self.other_customer, days(-20), 250.0)
        self.run_collections(days(-12))
        earlier.write(
            {"collection_excluded": True, "collection_exclusion_reason": "Test"}
        )
        invoice = self._make_invoice(self.customer, days(-8), 400.0)
        self.run_collections(days(-1))
        stage = invoice.collection_stage_id
        self.assertTrue(stage)
        self.assertEqual(earlier.collection_stage_id, stage)
        data = self.overview()
        moved = {s["id"]: (s["moved_amount"], s["moved_count"]) for s in data["stages"]}
        self.assertEqual(moved[stage.id], (400.0, 1))
        action = next(s for s in data["stages"] if s["id"] == stage.id)["moved_action"]
        self.assertEqual(
            self.env[action["res_model"]].search(action["domain"]).move_id, invoice
        )
        # each stage's figure is that of the list its "moved" link opens
        for line in data["stages"]:
            action = line["moved_action"]
            rows = self.env[action["res_model"]].search(action["domain"])
            self.assertEqual(
                (line["moved_amount"], line["moved_count"]),
                (sum(rows.mapped("residual")), len(rows)),
                line["name"],
            )

    @freeze_time(TODAY)
    def test_trend_of_past_weeks(self):
        """Paid 3 days ago, it was overdue one and two weeks ago, not three; the
        other one, paid 100 ten days ago, crossed into 31-60 two weeks ago."""
        paid = self._make_invoice(self.customer, days(-20), 1000.0)
        self.pay_on(paid, days(-3))
        partly = self._make_invoice(self.customer, days(-50), 400.0)
        self.pay_on(partly, days(-10), 100.0)
        trend = self.overview()["overdue"]["trend"]
        self.assertEqual(len(trend["dates"]), 12)
        self.assertEqual(trend["dates"][-2], "2026-06-23")
        series = {serie["key"]: serie["values"] for serie in trend["series"]}
        # 3 weeks ago, 2 weeks ago, last week, today
        self.assertEqual(series["1_30"][-4:], [400.0, 1000.0, 1000.0, 0.0])
        self.assertEqual(series["31_60"][-4:], [0.0, 400.0, 300.0, 300.0])
        self.assertEqual(series["61_90"][-4:], [0.0, 0.0, 0.0, 0.0])

    @freeze_time("2026-03-10")
    def test_kpi_equals_report(self):
        inv_a = self._make_invoice(self.customer, date(2026, 2, 9), 1000.0)
        inv_b = self._make_invoice(self.customer, date(2026, 2, 24), 500.0)
        self._make_invoice(self.customer, date(2026, 3, 22), 600.0)
        self.pay_on(inv_a, date(2026, 2, 15))
        self.pay_on(inv_b, date(2026, 3, 5), 200.0)
        months = self.overview()["kpi"]["months"]
        self.assertEqual(len(months), 12)
        self.assertEqual(months[-1]["month"], "2026-03-01")
        rows = self.env["ar.collection.kpi"].search(
            [("company_id", "=", self.company.id)]
        )
        report = {str(row.month): row for row in rows}
        for month in months:
            row = report[month["month"]]
            self.assertAlmostEqual(month["dso"], row.dso)
            self.assertAlmostEqual(month["best_possible_dso"], row.best_possible_dso)
            self.assertAlmostEqual(month["cei"], row.cei)
        self.assertAlmostEqual(months[-2]["dso"], 1100 / 600 * 28)
        self.assertAlmostEqual(months[-1]["cei"], 40.0)

    @freeze_time(TODAY)
    def test_work_and_cash(self):
        Promise = self.env["ar.collection.promise"]
        due_today = self._make_invoice(self.customer, days(-10), 300.0)
        to_break = self._make_invoice(self.other_customer, days(-30), 200.0)
        Promise.create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(due_today.ids)],
                "amount": 300.0,
                "date": TODAY,
                "date_start": days(-2),
            }
        )
        broken = Promise.create(
            {
                "partner_id": self.other_customer.id,
                "move_ids": [Command.set(to_break.ids)],
                "amount": 150.0,
                "date": days(-10),
                "date_start": days(-12),
            }
        )
        Promise._check_open_promises(self.company, days(-1))
        self.assertEqual((broken.state, broken.date_closed), ("broken", days(-1)))
        later = self._make_invoice(self.customer, days(-5), 250.0)
        Promise.create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(later.ids)],
                "amount": 250.0,
                "date": days(9),
                "date_start": days(-1),
            }
        )
        self.env["ar.collection.dispute"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(later.ids)],
                "reason": "price",
                "description": "Price list not applied",
                "date_open": days(-20),
                "date_due": days(-1),
            }
        )
        data = self.overview()
        work = {item["key"]: (item["count"], item["amount"]) for item in data["work"]}
        self.assertEqual(work["promises_due"], (1, 300.0))
        self.assertEqual(work["promises_broken"], (1, 150.0))
        self.assertEqual(work["disputes_late"][0], 1)
        self.assertEqual(work["write_offs_to_approve"], (0, None))
        for item in data["work"]:
            action = item["action"]
            self.assertEqual(
                self.env[action["res_model"]].search_count(action["domain"]),
                item["count"],
                item["key"],
            )
        weeks = data["cash"]["weeks"]
        self.assertEqual([w["promises"] for w in weeks], [300.0, 250.0, 0.0, 0.0])
        self.assertEqual(data["cash"]["total"], 550.0)

    @freeze_time(TODAY)
    def test_multi_company(self):
        """A user of company B sees B's figures only; one of both sees both."""
        other = self.setup_other_company()["company"]
        self._make_invoice(self.customer, days(-10), 100.0)
        self._make_invoice(self.customer, days(-10), 40.0, company=other)
        only_b = new_test_user(
            self.env,
            login="manager_b",
            groups="ar_collections.group_collections_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        self.assertEqual(self.overview(only_b)["overdue"]["total"], 40.0)
        self.assertEqual(self.overview()["overdue"]["total"], 100.0)
        self.manager.company_ids = [Command.link(other.id)]
        both = self.overview(companies=self.company | other)
        self.assertEqual(both["overdue"]["total"], 140.0)
        trend_today = sum(s["values"][-1] for s in both["overdue"]["trend"]["series"])
        self.assertEqual(trend_today, 140.0)
        # past weeks too: the invoice of B was overdue last week (3 days)
        last_week = {
            s["key"]: s["values"][-2]
            for s in self.overview(only_b)["overdue"]["trend"]["series"]
        }
        self.assertEqual(last_week["1_30"], 40.0)
        self.assertEqual(
            [c["amount"] for c in self.overview(only_b)["top_customers"]], [40.0]
        )

    def test_collectors_have_no_overview(self):
        """The overview is a manager's page: a collector is refused the figures."""
        with self.assertRaises(AccessError):
            self.overview(self.collector)
        self.assertIn("overdue", self.overview(self.manager))


@tagged("post_install", "-at_install")
class TestOverviewCurrencies(ReportingCase):
    """Companies in different currencies: every figure in the current company's
    currency, the other company's amounts converted at today's rate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # one unit of the main currency buys 0.5 unit of the other: 40 = 80 here
        other_currency = cls.setup_other_currency("EUR", rates=[("2026-01-01", 0.5)])
        cls.other = cls.setup_other_company(currency_id=other_currency.id)["company"]
        # and the other company's rates: one unit of its currency buys 2 of ours
        cls.env["res.currency.rate"].create(
            {
                "currency_id": cls.company.currency_id.id,
                "company_id": cls.other.id,
                "name": "2026-01-01",
                "rate": 2.0,
            }
        )
        cls.manager.company_ids = [Command.link(cls.other.id)]
        cls.both = cls.company | cls.other
        cls.Overview = cls.env["ar.collection.overview"].with_user(cls.manager)

    def overview(self, current=None):
        companies = (current or self.company) | self.both
        return self.Overview.with_context(
            allowed_company_ids=companies.ids
        ).get_overview()

    def book(self):
        self._make_invoice(self.customer, days(-10), 100.0)
        self._make_invoice(self.customer, days(-10), 40.0, company=self.other)

    @freeze_time(TODAY)
    def test_overdue_in_the_current_company_currency(self):
        self.book()
        data = self.overview()
        self.assertEqual(data["currency_id"], self.company.currency_id.id)
        self.assertEqual(data["overdue"]["total"], 180.0)
        today = sum(serie["values"][-1] for serie in data["overdue"]["trend"]["series"])
        self.assertEqual(today, 180.0)
        self.assertEqual([c["amount"] for c in data["top_customers"]], [180.0])
        self.assertEqual(sum(stage["amount"] for stage in data["stages"]), 180.0)
        self.assertIn(self.company.currency_id.name, data["currency_note"])
        # seen from the other company, in its currency: 40 + 100 x 0.5
        from_other = self.overview(current=self.other)
        self.assertEqual(from_other["currency_id"], self.other.currency_id.id)
        self.assertEqual(from_other["overdue"]["total"], 90.0)
        # one company, one currency: no conversion, no note
        alone = self.Overview.with_context(
            allowed_company_ids=self.company.ids
        ).get_overview()
        self.assertEqual(alone["overdue"]["total"], 100.0)
        self.assertFalse(alone["currency_note"])

    @freeze_time(TODAY)
    def test_a_missing_rate_is_said_not_added_silently(self):
        """A company with no rate for another company's currency: Odoo counts it one
        for one, and the overview says which rate is missing where."""
        self.book()
        self.assertFalse(self.overview()["rate_warning"])
        self.assertFalse(self.overview(current=self.other)["rate_warning"])
        self.env["res.currency.rate"].search(
            [("company_id", "=", self.other.id)]
        ).unlink()
        from_other = self.overview(current=self.other)
        # 40 + 100 counted one for one
        self.assertEqual(from_other["overdue"]["total"], 140.0)
        self.assertIn(self.company.currency_id.name, from_other["rate_warning"])
        self.assertIn(self.other.name, from_other["rate_warning"])
        # the main company still has its rate for the other currency
        self.assertFalse(self.overview()["rate_warning"])
        alone = self.Overview.with_context(
            allowed_company_ids=self.other.ids
        ).get_overview()
        self.assertFalse(alone["rate_warning"])

    @freeze_time(TODAY)
    def test_ageing_list_adds_up_across_currencies(self):
        """The list the overview opens sums to the same figure, in one currency."""
        self.book()
        Ageing = self.env["ar.collection.ageing"].with_user(self.manager)
        Ageing = Ageing.with_context(allowed_company_ids=self.both.ids)
        rows = Ageing.search([])
        self.assertEqual(rows.currency_id, self.company.currency_id)
        self.assertEqual(
            sorted(rows.mapped("residual")), [80.0, 100.0], "40 converted to 80"
        )
        self.assertEqual(sorted(rows.mapped("amount_1_30")), [80.0, 100.0])
        [(total,)] = Ageing._read_group([], [], ["residual:sum"])
        self.assertEqual(total, self.overview()["overdue"]["total"])

    @freeze_time("2026-03-10")
    def test_kpi_in_the_current_company_currency(self):
        # invoiced on 20 February, due 22 March
        self._make_invoice(self.customer, date(2026, 3, 22), 100.0)
        self._make_invoice(self.customer, date(2026, 3, 22), 40.0, company=self.other)
        Kpi = self.env["ar.collection.kpi"].with_user(self.manager)
        Kpi = Kpi.with_context(allowed_company_ids=self.both.ids)
        february = Kpi.search([("month", "=", "2026-02-01")])
        self.assertEqual(len(february), 2)
        self.assertEqual(february.currency_id, self.company.currency_id)
        self.assertEqual(sorted(february.mapped("sales")), [80.0, 100.0])
        self.assertEqual(sorted(february.mapped("ending_receivable")), [80.0, 100.0])
        # a ratio is the same in either currency: all of February's sales are owed
        self.assertEqual(set(february.mapped("dso")), {28.0})
        [(sales,)] = Kpi._read_group([("month", "=", "2026-02-01")], [], ["sales:sum"])
        self.assertEqual(sales, 180.0)

    @freeze_time(TODAY)
    def test_promises_of_both_companies(self):
        Promise = self.env["ar.collection.promise"]
        here = self._make_invoice(self.customer, days(-10), 100.0)
        there = self._make_invoice(self.customer, days(-10), 40.0, company=self.other)
        for move, amount in ((here, 100.0), (there, 40.0)):
            Promise.with_company(move.company_id).create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(move.ids)],
                    "amount": amount,
                    "date": TODAY,
                    "date_start": days(-2),
                }
            )
        data = self.overview()
        work = {item["key"]: (item["count"], item["amount"]) for item in data["work"]}
        self.assertEqual(work["promises_due"], (2, 180.0))
        self.assertEqual(data["cash"]["weeks"][0]["promises"], 180.0)
        self.assertEqual(data["cash"]["total"], 180.0)

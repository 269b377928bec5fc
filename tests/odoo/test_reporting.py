"""Reporting: ageing buckets, monthly KPIs, payment history, customer statement."""

from datetime import date, timedelta

from odoo import Command
from odoo.tests import freeze_time, tagged

from odoo.addons.ar_collections.report.ar_collection_ageing import bucket_of

from .common import MONDAY, CollectionsCase

TODAY = date(2026, 6, 30)


class ReportingCase(CollectionsCase):
    def pay_on(self, move, day, amount=None):
        """Register a payment of ``amount`` (default: all) dated ``day``."""
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create(
            {"amount": amount or move.amount_residual, "payment_date": day}
        )._create_payments()
        return move

    def make_refund(self, partner, due, amount):
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": partner.id,
                "invoice_date": due - timedelta(days=30),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Credit",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        refund.action_post()
        return refund


@tagged("post_install", "-at_install")
class TestAgeing(ReportingCase):
    def test_bucket_boundaries(self):
        self.assertEqual(bucket_of(-5), "not_due")
        self.assertEqual(bucket_of(0), "not_due")
        self.assertEqual(bucket_of(1), "1_30")
        self.assertEqual(bucket_of(30), "1_30")
        self.assertEqual(bucket_of(31), "31_60")
        self.assertEqual(bucket_of(60), "31_60")
        self.assertEqual(bucket_of(61), "61_90")
        self.assertEqual(bucket_of(90), "61_90")
        self.assertEqual(bucket_of(91), "91_120")
        self.assertEqual(bucket_of(120), "91_120")
        self.assertEqual(bucket_of(121), "over_120")

    @freeze_time(TODAY)
    def test_ageing_buckets(self):
        customer = self.customer
        for days_late, amount in [
            (-10, 10.0),
            (0, 100.0),
            (1, 200.0),
            (30, 300.0),
            (31, 400.0),
            (60, 500.0),
            (61, 600.0),
            (120, 700.0),
            (121, 800.0),
        ]:
            self._make_invoice(customer, TODAY - timedelta(days=days_late), amount)
        partial = self._make_invoice(customer, TODAY - timedelta(days=90), 1000.0)
        self.pay_on(partial, TODAY - timedelta(days=5), 250.0)
        paid = self._make_invoice(customer, TODAY - timedelta(days=45), 999.0)
        self.pay_on(paid, TODAY - timedelta(days=5))
        refund = self.make_refund(customer, TODAY + timedelta(days=10), 50.0)
        other = self._make_customer("Other Ltd", "other@example.com")
        self._make_invoice(other, TODAY - timedelta(days=200), 5.0)

        Ageing = self.env["ar.collection.ageing"]
        rows = Ageing.search([("partner_id", "=", customer.id)])
        self.assertEqual(len(rows), 11)  # 9 + the partly paid one + the credit note
        self.assertNotIn(paid, rows.move_id)
        self.assertEqual(rows.filtered(lambda r: r.move_id == refund).residual, -50.0)
        by_move = {row.move_id: row for row in rows}
        self.assertEqual(by_move[partial].residual, 750.0)
        self.assertEqual(by_move[partial].days_late, 90)
        self.assertEqual(by_move[partial].bucket, "61_90")
        self.assertEqual(by_move[refund].days_late, 0)

        [totals] = Ageing.read_group(
            [("partner_id", "=", customer.id)],
            [
                "amount_not_due",
                "amount_1_30",
                "amount_31_60",
                "amount_61_90",
                "amount_91_120",
                "amount_over_120",
                "residual",
            ],
            [],
        )
        self.assertEqual(totals["amount_not_due"], 10.0 + 100.0 - 50.0)
        self.assertEqual(totals["amount_1_30"], 200.0 + 300.0)
        self.assertEqual(totals["amount_31_60"], 400.0 + 500.0)
        self.assertEqual(totals["amount_61_90"], 600.0 + 750.0)
        self.assertEqual(totals["amount_91_120"], 700.0)
        self.assertEqual(totals["amount_over_120"], 800.0)
        self.assertEqual(totals["residual"], 4310.0)
        self.assertEqual(totals["residual"], customer.collection_open_amount - 50.0)

        by_bucket = {
            bucket: amount
            for bucket, amount in Ageing._read_group(
                [("partner_id", "=", customer.id)], ["bucket"], ["residual:sum"]
            )
        }
        self.assertEqual(by_bucket["61_90"], 1350.0)
        self.assertEqual(by_bucket["over_120"], 800.0)

        by_collector = Ageing._read_group(
            [("partner_id", "in", (customer | other).ids)],
            ["collector_id"],
            ["residual:sum"],
        )
        self.assertEqual(by_collector, [(self.collector, 4315.0)])
        by_stage = dict(
            Ageing._read_group(
                [("partner_id", "=", customer.id), ("move_type", "=", "out_invoice")],
                ["stage_id"],
                ["residual:sum"],
            )
        )
        current = self.env["ar.collection.stage"]._get_by_code()["current"]
        self.assertEqual(by_stage, {current: 4360.0})

    @freeze_time(TODAY)
    def test_ageing_follows_today(self):
        invoice = self._make_invoice(self.customer, TODAY - timedelta(days=30))
        row = self.env["ar.collection.ageing"].search([("move_id", "=", invoice.id)])
        self.assertEqual(row.bucket, "1_30")
        with freeze_time(TODAY + timedelta(days=1)):
            self.env.invalidate_all()
            row = self.env["ar.collection.ageing"].search(
                [("move_id", "=", invoice.id)]
            )
            self.assertEqual(row.bucket, "31_60")
            self.assertEqual(row.days_late, 31)

    @freeze_time(TODAY)
    def test_collector_reads_ageing(self):
        self._make_invoice(self.customer, TODAY - timedelta(days=3))
        rows = (
            self.env["ar.collection.ageing"]
            .with_user(self.collector)
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(rows.bucket, "1_30")
        self.assertEqual(rows.collector_id, self.collector)

    @freeze_time(TODAY)
    def test_multi_company(self):
        other = self.setup_other_company()["company"]
        self._make_invoice(self.customer, TODAY - timedelta(days=3), 10.0)
        self._make_invoice(
            self.customer, TODAY - timedelta(days=3), 20.0, company=other
        )
        both = self.env["ar.collection.ageing"].with_context(
            allowed_company_ids=[self.company.id, other.id]
        )
        domain = [("partner_id", "=", self.customer.id)]
        self.assertEqual(sum(both.search(domain).mapped("residual")), 30.0)
        mine = self.env["ar.collection.ageing"].with_user(self.collector)
        self.assertEqual(mine.search(domain).company_id, self.company)
        kpis = self.env["ar.collection.kpi"].with_user(self.collector).search([])
        self.assertEqual(kpis.company_id, self.company)


@tagged("post_install", "-at_install")
class TestKpi(ReportingCase):
    @freeze_time("2026-03-10")
    def test_kpi_hand_computed(self):
        """Three invoices and two payments; every figure computed by hand below.

        A 1000 dated 10 Jan due 9 Feb, paid 15 Feb; B 500 dated 25 Jan due 24 Feb,
        200 paid 5 Mar; C 600 dated 20 Feb due 22 Mar.
        """
        inv_a = self._make_invoice(self.customer, date(2026, 2, 9), 1000.0)
        inv_b = self._make_invoice(self.customer, date(2026, 2, 24), 500.0)
        self._make_invoice(self.customer, date(2026, 3, 22), 600.0)
        self.pay_on(inv_a, date(2026, 2, 15))
        self.pay_on(inv_b, date(2026, 3, 5), 200.0)

        rows = self.env["ar.collection.kpi"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(len(rows), 24)
        self.assertEqual(rows[0].month, date(2026, 3, 1))
        self.assertEqual(rows[-1].month, date(2024, 4, 1))
        by_month = {row.month: row for row in rows}

        december = by_month[date(2025, 12, 1)]
        self.assertEqual(
            (december.sales, december.ending_receivable, december.dso, december.cei),
            (0.0, 0.0, 0.0, 0.0),
        )

        january = by_month[date(2026, 1, 1)]
        self.assertEqual(january.period_days, 31)
        self.assertEqual(january.sales, 1500.0)
        self.assertEqual(january.beginning_receivable, 0.0)
        self.assertEqual(january.ending_receivable, 1500.0)
        self.assertEqual(january.current_receivable, 1500.0)  # A and B not yet due
        self.assertAlmostEqual(january.dso, 31.0)  # 1500 / 1500 x 31
        self.assertAlmostEqual(january.best_possible_dso, 31.0)
        self.assertAlmostEqual(january.average_days_delinquent, 0.0)
        self.assertEqual(january.cei, 0.0)  # 0 / 0: nothing was collectable

        february = by_month[date(2026, 2, 1)]
        self.assertEqual(february.period_days, 28)
        self.assertEqual(february.sales, 600.0)
        self.assertEqual(february.beginning_receivable, 1500.0)
        self.assertEqual(february.ending_receivable, 1100.0)  # B 500 + C 600
        self.assertEqual(february.current_receivable, 600.0)  # C; B is overdue
        self.assertEqual(february.overdue_receivable, 500.0)
        self.assertEqual(february.collected, 1000.0)
        self.assertAlmostEqual(february.dso, 1100 / 600 * 28)  # 51.33
        self.assertAlmostEqual(february.best_possible_dso, 28.0)  # 600 / 600 x 28
        self.assertAlmostEqual(february.average_days_delinquent, 1100 / 600 * 28 - 28)
        # (1500 + 600 - 1100) / (1500 + 600 - 600) x 100
        self.assertAlmostEqual(february.cei, 1000 / 1500 * 100)

        march = by_month[date(2026, 3, 1)]
        self.assertEqual(march.period_end, date(2026, 3, 10))
        self.assertEqual(march.period_days, 10)
        self.assertEqual(march.sales, 0.0)
        self.assertEqual(march.beginning_receivable, 1100.0)
        self.assertEqual(march.ending_receivable, 900.0)
        self.assertEqual(march.current_receivable, 600.0)
        self.assertEqual(march.dso, 0.0)  # no sales
        # (1100 + 0 - 900) / (1100 + 0 - 600) x 100
        self.assertAlmostEqual(march.cei, 40.0)

    @freeze_time("2026-03-10")
    def test_kpi_partial_payment_of_current_invoice(self):
        """A payment before the due date lowers the current receivables."""
        invoice = self._make_invoice(self.customer, date(2026, 3, 31), 1000.0)
        self.pay_on(invoice, date(2026, 3, 5), 400.0)
        march = self.env["ar.collection.kpi"].search(
            [("company_id", "=", self.company.id), ("month", "=", "2026-03-01")]
        )
        self.assertEqual(march.sales, 1000.0)
        self.assertEqual(march.ending_receivable, 600.0)
        self.assertEqual(march.current_receivable, 600.0)
        self.assertAlmostEqual(march.dso, 600 / 1000 * 10)
        self.assertAlmostEqual(march.average_days_delinquent, 0.0)
        self.assertAlmostEqual(march.cei, 100.0)  # 400 / 400


@tagged("post_install", "-at_install")
class TestPaymentHistory(ReportingCase):
    @freeze_time("2026-03-10")
    def test_average_days_late_and_trend(self):
        customer = self.customer
        # Previous 12 months: 10 days late on 100, 2 days late on 300 -> 4.0
        self.pay_on(
            self._make_invoice(customer, date(2024, 6, 1), 100.0), date(2024, 6, 11)
        )
        self.pay_on(
            self._make_invoice(customer, date(2024, 9, 1), 300.0), date(2024, 9, 3)
        )
        # Last 12 months: 20 days late on 200, early on 200 (counts 0) -> 10.0
        self.pay_on(
            self._make_invoice(customer, date(2025, 6, 1), 200.0), date(2025, 6, 21)
        )
        self.pay_on(
            self._make_invoice(customer, date(2025, 10, 1), 200.0), date(2025, 9, 25)
        )
        # Not counted: open, partly paid, and paid more than 24 months ago.
        self._make_invoice(customer, date(2026, 1, 1), 5000.0)
        self.pay_on(
            self._make_invoice(customer, date(2025, 12, 1), 700.0),
            date(2026, 2, 1),
            100.0,
        )
        self.pay_on(
            self._make_invoice(customer, date(2023, 6, 1), 900.0), date(2023, 12, 1)
        )

        improving = self._make_customer("Improving Inc", "improving@example.com")
        self.pay_on(
            self._make_invoice(improving, date(2024, 6, 1), 100.0), date(2024, 7, 1)
        )
        self.pay_on(
            self._make_invoice(improving, date(2025, 6, 1), 100.0), date(2025, 6, 6)
        )
        steady = self._make_customer("Steady SA", "steady@example.com")
        self.pay_on(
            self._make_invoice(steady, date(2024, 6, 1), 100.0), date(2024, 6, 6)
        )
        self.pay_on(
            self._make_invoice(steady, date(2025, 6, 1), 100.0), date(2025, 6, 7)
        )
        newcomer = self._make_customer("New Co", "new@example.com")
        self.pay_on(
            self._make_invoice(newcomer, date(2025, 6, 1), 100.0), date(2025, 6, 4)
        )

        partners = customer | improving | steady | newcomer
        self.env.invalidate_all()
        self.assertEqual(customer.collection_avg_days_late, 10.0)
        self.assertEqual(customer.collection_avg_days_late_previous, 4.0)
        self.assertEqual(customer.collection_paid_invoice_count, 2)
        self.assertEqual(
            partners.mapped("collection_payment_trend"),
            ["worse", "better", "stable", False],
        )
        self.assertEqual(improving.collection_avg_days_late, 5.0)
        self.assertEqual(improving.collection_avg_days_late_previous, 30.0)
        self.assertEqual(newcomer.collection_avg_days_late, 3.0)
        self.assertEqual(newcomer.collection_avg_days_late_previous, 0.0)

        # A contact shows its company's history.
        contact = self.env["res.partner"].create(
            {"name": "Alice", "parent_id": customer.id}
        )
        self.assertEqual(contact.collection_avg_days_late, 10.0)


@tagged("post_install", "-at_install")
class TestCustomerStatement(ReportingCase):
    def _statement_fixture(self):
        late = self._make_invoice(self.customer, TODAY - timedelta(days=45), 400.0)
        current = self._make_invoice(self.customer, TODAY + timedelta(days=10), 250.0)
        paid = self._make_invoice(self.customer, TODAY - timedelta(days=20), 999.0)
        self.pay_on(paid, TODAY - timedelta(days=2))
        refund = self.make_refund(self.customer, TODAY - timedelta(days=5), 30.0)
        other = self._make_invoice(
            self._make_customer("Other Ltd", "other@example.com"), TODAY, 77.0
        )
        return late, current, paid, refund, other

    @freeze_time(TODAY)
    def test_statement_values_and_pdf(self):
        late, current, paid, refund, other = self._statement_fixture()
        report = self.env.ref("ar_collections.action_report_customer_statement")
        values = self.env["report.ar_collections.report_customer_statement"]
        values = values._get_report_values(self.customer.ids)
        statement = values["statements"][self.customer.id]
        moves = [line["move"] for line in statement["lines"]]
        self.assertEqual(moves, [late, refund, current])  # by due date
        self.assertEqual([line["days_late"] for line in statement["lines"]], [45, 0, 0])
        self.assertEqual(statement["total"], 400.0 + 250.0 - 30.0)
        self.assertEqual(statement["ageing"]["31_60"], 400.0)
        self.assertEqual(statement["ageing"]["1_30"], -30.0)
        self.assertEqual(statement["ageing"]["not_due"], 250.0)

        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(report, self.customer.ids)[0]
            .decode()
        )
        for move in (late, current, refund):
            self.assertIn(move.name, html)
        self.assertNotIn(paid.name, html)
        self.assertNotIn(other.name, html)
        self.assertIn("620.00", html)

        streams = self.env["ir.actions.report"]._render_qweb_pdf_prepare_streams(
            report, {}, res_ids=self.customer.ids
        )
        self.assertTrue(
            streams[self.customer.id]["stream"].getvalue().startswith(b"%PDF")
        )

        action = self.customer.with_context(
            discard_logo_check=True
        ).action_print_collection_statement()
        self.assertEqual(
            action["report_name"], "ar_collections.report_customer_statement"
        )
        self.assertEqual(action["context"]["active_ids"], self.customer.ids)

    def test_email_attaches_statement(self):
        self.ladder.yaml_source = self.ladder.yaml_source.replace(
            "      - email: {template: ar_collections.mail_template_first_notice}",
            "      - email: {template: ar_collections.mail_template_first_notice, "
            "attach_statement: true}",
        )
        plain = self._make_customer("Plain Co", "plain@example.com")
        invoice = self._make_invoice(self.customer, MONDAY, 321.0)
        self._make_invoice(plain, MONDAY, 100.0)
        self.run_collections(MONDAY - timedelta(days=3))  # courtesy: no statement
        courtesy = self.mails_to(self.customer)
        self.assertEqual(len(courtesy), 1)
        self.assertFalse(courtesy.attachment_ids)

        self.run_collections(MONDAY + timedelta(days=7))
        mail = self.mails_to(self.customer) - courtesy
        self.assertEqual(len(mail), 1)
        self.assertEqual(len(mail.attachment_ids), 1)
        attachment = mail.attachment_ids
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        self.assertIn("Statement", attachment.name)
        self.assertEqual(
            (attachment.res_model, attachment.res_id), ("res.partner", self.customer.id)
        )
        self.assertEqual(invoice.collection_step, "first_notice")
        self.assertEqual(len(self.mails_to(plain).attachment_ids), 1)

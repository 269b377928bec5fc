import io
import shutil
import subprocess
from datetime import date, timedelta

import PyPDF2

from odoo.tests import HttpCase, tagged
from odoo.tools import html2plaintext

from .common import CollectionsCase


def pdf_text(pdf):
    """The text of a PDF: pdftotext when installed, else PyPDF2 (empty when the
    PDF draws its letters as shapes, as wkhtmltopdf does without fonts)."""
    if shutil.which("pdftotext"):
        result = subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        )
        return result.stdout.decode()
    reader = PyPDF2.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def report_pdf_and_text(env, report, res_ids):
    """A report rendered for real (wkhtmltopdf, as outside tests) and its text: from
    the PDF, or from the same report's HTML when the PDF has no text layer."""
    reports = env["ir.actions.report"].with_context(force_report_rendering=True)
    pdf, kind = reports._render_qweb_pdf(report, res_ids)
    assert kind == "pdf" and pdf.startswith(b"%PDF-"), pdf[:20]
    text = pdf_text(pdf)
    if not text.strip():
        html = reports._render_qweb_html(report, res_ids)[0].decode()
        text = html2plaintext(html)
    return pdf, text


@tagged("post_install", "-at_install")
class TestReportingTours(CollectionsCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tour_customer = cls._make_customer("Tour Customer", "tour@example.com")

    def pay_on(self, move, day):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"payment_date": day})._create_payments()

    def test_reporting_tour(self):
        """A collector opens the ageing pivot and graph, amounts by stage, the KPIs."""
        today = date.today()
        # 1,234 45 days late (dated 75 days ago, before this month); 1,000 invoiced
        # today, half paid today: 500 not due.
        self._make_invoice(self.tour_customer, today - timedelta(days=45), 1234.0)
        recent = self._make_invoice(
            self.tour_customer, today + timedelta(days=30), 1000
        )
        self.pay(recent, 500.0)
        # What the tour reads in the UI, read here from the models as the collector.
        as_collector = self.env(user=self.collector)
        ageing = as_collector["ar.collection.ageing"].search(
            [("partner_id", "=", self.tour_customer.id)]
        )
        self.assertEqual(sum(ageing.mapped("amount_31_60")), 1234.0)
        self.assertEqual(sum(ageing.mapped("amount_not_due")), 500.0)
        self.assertEqual(sum(ageing.mapped("amount_1_30")), 0.0)
        self.assertEqual(sum(ageing.mapped("residual")), 1734.0)
        kpi = as_collector["ar.collection.kpi"].search([], limit=1)
        self.assertEqual(kpi.month, today.replace(day=1))
        self.assertEqual(kpi.company_id, self.company)
        self.assertEqual(kpi.sales, 1000.0)
        self.assertEqual(kpi.beginning_receivable, 1234.0)
        self.assertEqual(kpi.ending_receivable, 1734.0)
        self.assertEqual(kpi.current_receivable, 500.0)
        self.assertAlmostEqual(kpi.cei, 500.0 / 1734.0 * 100, places=2)
        self.start_tour("/odoo", "ar_collections_reporting_tour", login="collector")

    def test_statement_tour(self):
        """The customer's payment history and the Print statement button."""
        today = date.today()
        # Paid 10 days late within the last 12 months; 2 days late the year before.
        recent = self._make_invoice(
            self.tour_customer, today - timedelta(days=60), 500.0
        )
        self.pay_on(recent, today - timedelta(days=50))
        older = self._make_invoice(
            self.tour_customer, today - timedelta(days=500), 500.0
        )
        self.pay_on(older, today - timedelta(days=498))
        open_invoice = self._make_invoice(self.tour_customer, today, 300.0)
        self.start_tour(
            f"/odoo/res.partner/{self.tour_customer.id}",
            "ar_collections_statement_tour",
            login="collector",
        )
        # The tour read these in the customer's form.
        self.assertEqual(self.tour_customer.collection_avg_days_late, 10.0)
        self.assertEqual(self.tour_customer.collection_payment_trend, "worse")
        # The statement the button prints, as a real PDF (the tour got its HTML).
        action = self.tour_customer.with_user(
            self.collector
        ).action_print_collection_statement()
        report = self.env["ir.actions.report"]._get_report(action["report_name"])
        pdf, text = report_pdf_and_text(
            self.env(user=self.collector), report, self.tour_customer.ids
        )
        self.assertTrue(pdf.startswith(b"%PDF-"))
        self.assertIn("Tour Customer", text)
        self.assertIn(open_invoice.name, text)
        self.assertNotIn(recent.name, text)  # paid

"""The notice's and the statement's dates and amounts (``NoticeFormatter``) print
exactly what QWeb's date and monetary widgets print, in the language the document
renders in; the statement PDFs' queries do not grow with the customers."""

from datetime import date, datetime, timedelta

from odoo.tests import tagged
from odoo.tools import formatLang

from odoo.addons.ar_collections.models.ir_actions_report import PAPERFORMAT_MEMO

from .common import MONDAY, CollectionsCase

STATEMENT = "ar_collections.action_report_customer_statement"


@tagged("post_install", "-at_install")
class TestNoticeFormat(CollectionsCase):
    def _widget(self, env, value, widget, **options):
        return env["ir.qweb.field." + widget].value_to_html(value, options)

    def test_formatter_matches_the_widgets_in_each_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        invoice = self._make_invoice(self.customer, MONDAY - timedelta(days=10))
        notice = self.env["ar.collection.notice"].create(
            {
                "partner_id": self.customer.id,
                "recipient_id": self.customer.id,
                "company_id": self.company.id,
                "step_code": "first_notice",
                "channel": "email",
                "date": MONDAY,
                "move_ids": [(6, 0, invoice.ids)],
            }
        )
        euro = self.env.ref("base.EUR")
        usd = self.env.ref("base.USD")
        self.assertNotEqual(euro.position, usd.position)
        amounts = [0.0, 1234.5, -1234567.891, 0.005, 12, 1e9]
        dates = [date(2026, 2, 20), datetime(2026, 2, 20, 23, 30), False, "2026-02-20"]
        for lang in ("en_US", "fr_FR", "xx_XX"):  # xx_XX: not installed
            env = notice.with_context(lang=lang).env
            fmt = notice.with_env(env).get_formatter()
            for value in dates:
                self.assertEqual(
                    fmt.date(value), self._widget(env, value, "date"), (lang, value)
                )
            for currency in (euro, usd):
                for value in amounts:
                    self.assertEqual(
                        fmt.amount(value, currency),
                        self._widget(env, value, "monetary", display_currency=currency),
                        (lang, currency.name, value),
                    )
                    self.assertEqual(
                        fmt.text_amount(value, currency),
                        formatLang(env, value, currency_obj=currency),
                        (lang, currency.name, value),
                    )
        french = notice.with_context(lang="fr_FR").get_formatter()
        self.assertEqual(french.date(date(2026, 2, 20)), "20/02/2026")
        with self.assertRaises(TypeError):
            french.amount("12", euro)

    def test_statement_prints_each_customer_in_its_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        french = self._make_customer("Dupont SA", "dupont@example.com", lang="fr_FR")
        english = self._make_customer("Smith Ltd", "smith@example.com", lang="en_US")
        due = MONDAY - timedelta(days=10)
        for partner in (french, english):
            self._make_invoice(partner, due, amount=1234.5)
        report = self.env.ref("ar_collections.action_report_customer_statement")
        currency = self.company.currency_id
        for partner in (french, english):
            html = (
                self.env["ir.actions.report"]
                ._render_qweb_html(report, partner.ids)[0]
                .decode()
            )
            env = self.env(context=dict(self.env.context, lang=partner.lang))
            for expected in (
                self._widget(env, 1234.5, "monetary", display_currency=currency),
                self._widget(env, due, "date"),
            ):
                self.assertIn(expected, html, partner.lang)
        self.assertNotEqual(
            self._widget(self.env(context={"lang": "fr_FR"}), due, "date"),
            self._widget(self.env(context={"lang": "en_US"}), due, "date"),
        )

    def test_statement_pdfs_queries_do_not_grow_with_customers(self):
        customers = self.env["res.partner"]
        for index in range(6):
            customer = self._make_customer(f"Customer {index}", f"c{index}@example.com")
            self._make_invoice(customer, MONDAY - timedelta(days=10))
            customers |= customer
        Report = self.env["ir.actions.report"]
        Report._ar_render_pdfs(STATEMENT, customers.ids)  # warm the caches
        counts = []
        for partners in (customers[1:3], customers[:6]):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            pdfs = Report._ar_render_pdfs(STATEMENT, partners.ids)
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(set(pdfs), set(partners.ids))
        # no query per statement (the paper format used to be looked up per record)
        self.assertLessEqual(counts[1], counts[0], "queries for 2, then 6 statements")
        self.assertIsNone(self.env.cr.cache.get(PAPERFORMAT_MEMO))

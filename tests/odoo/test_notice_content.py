"""What a notice says and carries: the overdue invoices demanded, those not yet due
apart, "Pay now" links or bank details, the customer's language and formats, the
early-payment discount and the charges section."""

import io
from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from .common import MONDAY, CollectionsCase

FIRST_NOTICE = "ar_collections.mail_template_first_notice"


@tagged("post_install", "-at_install")
class TestNoticeContent(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Notice = cls.env["ar.collection.notice"]
        cls.env["payment.provider"].search(
            [("company_id", "=", cls.company.id), ("state", "!=", "disabled")]
        ).state = "disabled"
        bank = cls.env["res.bank"].create({"name": "Test Bank", "bic": "TESTBEBB"})
        cls.company_bank = cls.env["res.partner.bank"].create(
            {
                "acc_number": "BE71096123456769",
                "partner_id": cls.company.partner_id.id,
                "bank_id": bank.id,
                "company_id": cls.company.id,
            }
        )

    def _enable_online_payment(self):
        provider = (
            self.env.ref("payment.payment_provider_demo")
            .sudo()
            .copy({"company_id": self.company.id})
        )
        provider.state = "test"
        return provider

    def _notice(self, moves, partner=None, day=MONDAY, template=FIRST_NOTICE):
        partner = partner or self.customer
        return self.Notice.create(
            {
                "partner_id": partner.id,
                "recipient_id": partner.id,
                "company_id": self.company.id,
                "step_code": "first_notice",
                "channel": "email",
                "date": day,
                "template_id": self.env.ref(template).id,
                "move_ids": [Command.set(moves.ids)],
            }
        )

    def _body(self, notice):
        rendered = notice.template_id._generate_template(notice.ids, ["body_html"])
        return str(rendered[notice.id]["body_html"])

    # Item 2: overdue demanded, not yet due apart -----------------------------------

    def test_not_yet_due_invoices_are_listed_apart_and_never_in_the_total(self):
        overdue = self._make_invoice(
            self.customer, MONDAY - timedelta(days=10), amount=100.0
        )
        upcoming = self._make_invoice(
            self.customer, MONDAY + timedelta(days=10), amount=250.0
        )
        due_today = self._make_invoice(self.customer, MONDAY, amount=40.0)
        other = self._make_customer("Other Ltd", "other@example.com")
        foreign = self._make_invoice(other, MONDAY + timedelta(days=5), amount=70.0)
        # The ladder lists the overdue invoice; it may also have listed one that is
        # not yet due (a courtesy step): that one is informational too.
        notice = self._notice(overdue | upcoming)

        self.assertEqual(
            [line["move"] for line in notice.get_overdue_lines()], [overdue]
        )
        self.assertEqual(
            [line["move"] for line in notice.get_upcoming_lines()],
            [due_today, upcoming],
        )
        self.assertNotIn(foreign, notice.upcoming_move_ids)
        self.assertEqual(
            notice.get_totals_by_currency(), [(self.company.currency_id, 100.0)]
        )
        self.assertEqual(notice.amount_total, 100.0)

        body = self._body(notice)
        demanded, _sep, informational = body.partition(
            "For your information: invoices not yet due"
        )
        self.assertTrue(informational, body)
        self.assertIn(overdue.name, demanded)
        self.assertNotIn(upcoming.name, demanded)
        self.assertNotIn(due_today.name, demanded)
        self.assertIn(upcoming.name, informational)
        self.assertIn(due_today.name, informational)
        self.assertNotIn(overdue.name, informational)
        self.assertIn("100.00", demanded)
        self.assertNotIn("390.00", body)
        self.assertNotIn("350.00", body)

    def test_held_invoices_are_not_listed_as_not_yet_due(self):
        overdue = self._make_invoice(self.customer, MONDAY - timedelta(days=10))
        upcoming = self._make_invoice(self.customer, MONDAY + timedelta(days=10))
        disputed = self._make_invoice(self.customer, MONDAY + timedelta(days=12))
        excluded = self._make_invoice(self.customer, MONDAY + timedelta(days=14))
        self.env["ar.collection.dispute"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(disputed.ids)],
                "reason": "price",
                "description": "Price",
                "date_open": MONDAY - timedelta(days=1),
            }
        )
        excluded.write(
            {"collection_excluded": True, "collection_exclusion_reason": "Agreed"}
        )
        notice = self._notice(overdue)
        self.assertEqual(notice.upcoming_move_ids, upcoming)
        informational = self._body(notice).partition(
            "For your information: invoices not yet due"
        )[2]
        self.assertIn(upcoming.name, informational)
        self.assertNotIn(disputed.name, informational)
        self.assertNotIn(excluded.name, informational)

    def _move_searches_to_read_upcoming(self, notices):
        notices.invalidate_recordset()
        with self.assertLogs("odoo.sql_db", level="DEBUG") as logs:
            for notice in notices:
                notice.upcoming_move_ids.mapped("name")
        return sum(
            'SELECT "account_move"."id" FROM "account_move" WHERE' in line
            for line in logs.output
        )

    def test_upcoming_invoices_of_a_batch_take_one_search(self):
        notices = self.Notice
        expected = {}
        for index in range(4):
            customer = self._make_customer(f"Batch {index}", f"b{index}@example.com")
            overdue = self._make_invoice(customer, MONDAY - timedelta(days=10))
            upcoming = self._make_invoice(customer, MONDAY + timedelta(days=index))
            notice = self._notice(overdue, partner=customer)
            notices |= notice
            expected[notice.id] = upcoming.ids
        self.assertEqual(self._move_searches_to_read_upcoming(notices), 1)
        self.assertEqual({n.id: n.upcoming_move_ids.ids for n in notices}, expected)

    def test_run_mail_demands_only_the_overdue_invoices(self):
        overdue = self._make_invoice(
            self.customer, MONDAY - timedelta(days=10), amount=100.0
        )
        upcoming = self._make_invoice(
            self.customer, MONDAY + timedelta(days=20), amount=250.0
        )
        self.run_collections(MONDAY)
        mail = self.mails_to(self.customer)
        self.assertEqual(len(mail), 1)
        demanded, _sep, informational = mail.body_html.partition(
            "For your information: invoices not yet due"
        )
        self.assertIn(overdue.name, demanded)
        self.assertIn(upcoming.name, informational)
        self.assertNotIn(upcoming.name, demanded)

    # Item 1: pay links or bank details ---------------------------------------------

    def test_online_payment_gives_pay_links_per_invoice_and_one_for_all(self):
        self._enable_online_payment()
        overdue = self._make_invoice(self.customer, MONDAY - timedelta(days=10))
        upcoming = self._make_invoice(self.customer, MONDAY + timedelta(days=10))
        notice = self._notice(overdue)
        self.assertTrue(notice._ar_online_payment_enabled())
        self.assertEqual(notice.access_url, f"/my/collections/{notice.id}")
        body = self._body(notice)
        base = notice.get_base_url()
        for move in overdue | upcoming:
            self.assertTrue(move.access_token)
            self.assertIn(base + move.get_portal_url(), body)
        self.assertTrue(notice.access_token)
        # the notice's own page (pay several, promise, dispute): one link, below
        # the table, not one more in each total row
        self.assertEqual(
            body.count(
                f"{base}/my/collections/{notice.id}?access_token={notice.access_token}"
            ),
            1,
        )
        self.assertNotIn("BE71096123456769", body)
        # A printed letter cannot be clicked: it prints the address of the page.
        self.assertNotIn("ar_notice_pay_url", body)
        notice.channel = "letter"
        self.assertIn(
            f'class="ar_notice_pay_url">{base}/my/collections/{notice.id}?',
            self._body(notice),
        )

    def test_without_online_payment_the_bank_details_and_references(self):
        overdue = self._make_invoice(self.customer, MONDAY - timedelta(days=10))
        notice = self._notice(overdue)
        self.assertFalse(notice._ar_online_payment_enabled())
        body = self._body(notice)
        self.assertNotIn("/my/collections/", body)
        self.assertNotIn("access_token", body)
        self.assertIn("BE71096123456769", body)
        self.assertIn("TESTBEBB", body)
        self.assertTrue(overdue.payment_reference)
        self.assertIn(overdue.payment_reference, body)

    # Item 4: the customer's language -----------------------------------------------

    def test_french_customer_gets_french_dates_and_amounts(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        french = self._make_customer("Dupont SA", "dupont@example.com", lang="fr_FR")
        overdue = self._make_invoice(french, MONDAY - timedelta(days=10), amount=1234.5)
        notice = self._notice(overdue, partner=french)
        self.assertEqual(notice.lang, "fr_FR")
        lang = self.env["res.lang"]._lang_get("fr_FR")
        body = self._body(notice)
        due = overdue.invoice_date_due.strftime(lang.date_format)
        self.assertEqual(due, "20/02/2026")
        self.assertIn(due, body)
        self.assertIn(f"1{lang.thousands_sep}234,50", body)
        self.assertNotIn("1,234.50", body)

    def test_invoice_contact_language_comes_first(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        contact = self.env["res.partner"].create(
            {
                "name": "Accounts payable",
                "type": "invoice",
                "parent_id": self.customer.id,
                "email": "ap@example.com",
                "lang": "fr_FR",
            }
        )
        notice = self._notice(
            self._make_invoice(self.customer, MONDAY - timedelta(days=10))
        )
        self.assertEqual(notice.lang, "en_US")
        notice.recipient_id = contact
        self.assertEqual(notice.lang, "fr_FR")

    def test_french_letter_renders_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        french = self._make_customer("Dupont SA", "dupont@example.com", lang="fr_FR")
        overdue = self._make_invoice(french, MONDAY - timedelta(days=10), amount=1234.5)
        notice = self._notice(overdue, partner=french)
        notice.channel = "letter"
        report = self.env.ref("ar_collections.action_report_collection_letter")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(report, notice.ids)[0]
            .decode()
        )
        lang = self.env["res.lang"]._lang_get("fr_FR")
        self.assertIn("20/02/2026", html)
        self.assertIn(f"1{lang.thousands_sep}234,50", html)

    # Item 5: early-payment discount ------------------------------------------------

    def _discount_invoice(self, invoice_date):
        term = self.env["account.payment.term"].create(
            {
                "name": "30 days, 2% within 10 days",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100.0, "nb_days": 30}
                    )
                ],
            }
        )
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": invoice_date,
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Consulting",
                            "quantity": 1,
                            "price_unit": 1000.0,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def test_early_payment_discount_is_mentioned_while_available(self):
        overdue = self._make_invoice(self.customer, MONDAY - timedelta(days=10))
        discounted = self._discount_invoice(MONDAY - timedelta(days=3))
        notice = self._notice(overdue)
        line = notice.get_upcoming_lines()[0]
        self.assertEqual(line["move"], discounted)
        self.assertEqual(
            line["discount"]["date"], MONDAY - timedelta(days=3) + timedelta(days=10)
        )
        self.assertAlmostEqual(line["discount"]["amount"], 980.0)
        body = self._body(notice)
        self.assertIn("Early-payment discount", body)
        self.assertIn("980.00", body)
        self.assertIn("03/09/2026", body)

    def test_expired_early_payment_discount_is_not_mentioned(self):
        discounted = self._discount_invoice(MONDAY - timedelta(days=20))
        notice = self._notice(discounted)
        line = notice.get_upcoming_lines()[0]
        self.assertIsNone(line["discount"])
        self.assertNotIn("Early-payment discount", self._body(notice))

    # Item 6: the charges section ---------------------------------------------------

    def test_charges_section_only_when_there_are_charges(self):
        overdue = self._make_invoice(self.customer, MONDAY - timedelta(days=40))
        notice = self._notice(overdue)
        self.assertEqual(notice._ar_notice_charges(), [])
        self.assertNotIn("Late-payment interest and fees", self._body(notice))
        charges = [
            {
                "label": "Late-payment interest",
                "basis": "10.15% a year on 100.00 for 40 days",
                "amount": 1.11,
                "currency": self.company.currency_id,
                "legal_reference": "Directive 2011/7/EU, art. 3",
            },
            {
                "label": "Fixed compensation",
                "basis": "per invoice",
                "amount": 40.0,
                "currency": self.company.currency_id,
                "legal_reference": "Directive 2011/7/EU, art. 6",
            },
        ]
        with patch.object(
            type(self.Notice), "_ar_notice_charges", lambda self: charges
        ):
            body = self._body(notice)
        section = body.partition("Late-payment interest and fees")[2]
        self.assertTrue(section, body)
        for text in (
            "Late-payment interest",
            "10.15% a year on 100.00 for 40 days",
            "1.11",
            "Directive 2011/7/EU, art. 3",
            "Fixed compensation",
            "40.00",
        ):
            self.assertIn(text, section)


ATTACH_LADDER = """\
version: 1
code: attach
name: Attach invoices
steps:
  - code: first_notice
    day: 7
    stage: overdue
    actions:
      - email:
          template: ar_collections.mail_template_first_notice
          attach_invoices: true
  - code: letter_notice
    day: 20
    stage: overdue
    actions:
      - letter:
          template: ar_collections.mail_template_second_notice
          attach_invoices: true
          attach_statement: true
"""


@tagged("post_install", "-at_install")
class TestNoticeAttachments(CollectionsCase):
    def _pdf_text(self, raw):
        from odoo.tools.pdf import PdfFileReader

        reader = PdfFileReader(io.BytesIO(raw))
        return "".join(page.extract_text() for page in reader.pages)

    def test_email_carries_one_pdf_per_listed_invoice(self):
        ladder = self.Ladder.create({"yaml_source": ATTACH_LADDER})
        self.customer.collection_ladder_id = ladder
        first = self._make_invoice(self.customer, MONDAY - timedelta(days=10))
        second = self._make_invoice(self.customer, MONDAY - timedelta(days=8))
        # An invoice that already has its PDF: that one is sent again, as it is.
        existing = self.env["ir.attachment"].create(
            {
                "name": "sent.pdf",
                "raw": self.env["ir.actions.report"]._ar_render_pdfs(
                    "account.account_invoices", second.ids
                )[second.id],
                "mimetype": "application/pdf",
                "res_model": "account.move",
                "res_id": second.id,
            }
        )
        second.message_main_attachment_id = existing
        self.run_collections(MONDAY)
        mail = self.mails_to(self.customer)
        self.assertEqual(len(mail), 1)
        pdfs = mail.attachment_ids.filtered(lambda a: a.mimetype == "application/pdf")
        self.assertEqual(len(pdfs), 2, pdfs.mapped("name"))
        self.assertIn(existing, pdfs)
        by_move = {attachment.res_id: attachment for attachment in pdfs}
        self.assertEqual(set(by_move), {first.id, second.id})
        for move in first | second:
            self.assertIn(move.name, self._pdf_text(by_move[move.id].raw))

    def test_without_attach_invoices_no_invoice_pdf(self):
        self._make_invoice(self.customer, MONDAY - timedelta(days=10))
        self.run_collections(MONDAY)
        mail = self.mails_to(self.customer)
        self.assertEqual(len(mail), 1)
        self.assertFalse(mail.attachment_ids)

    def test_letter_files_the_invoices_and_statement_with_it(self):
        ladder = self.Ladder.create({"yaml_source": ATTACH_LADDER})
        self.customer.collection_ladder_id = ladder
        invoice = self._make_invoice(self.customer, MONDAY - timedelta(days=20))
        self.run_collections(MONDAY)
        event = self.events(invoice, step_code="letter_notice")
        self.assertEqual(event.state, "done", event.result)
        message = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.customer.id),
                ("attachment_ids", "in", event.notice_id.attachment_id.ids),
            ]
        )
        self.assertEqual(len(message.attachment_ids), 3, message.attachment_ids)
        invoice_pdf = message.attachment_ids.filtered(
            lambda a: a.res_model == "account.move"
        )
        self.assertEqual(invoice_pdf.res_id, invoice.id)
        self.assertIn(invoice.name, self._pdf_text(invoice_pdf.raw))

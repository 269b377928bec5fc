"""Notices on a law firm's letterhead (#14.2): the firm's consent, the ladder's
check of the code, what the letter and the e-mail show, the note on the firm."""

import base64
from datetime import timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import MONDAY, CollectionsCase

# A 1x1 PNG
LOGO = base64.b64encode(
    base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
)

LETTERHEAD_LADDER = """\
version: 1
code: lawyers
name: Lawyer's letters
steps:
  - code: lawyer_letter
    day: 10
    stage: final_demand
    actions:
      - {kind}:
          template: ar_collections.mail_template_final_demand
          letterhead: {code}
"""


@tagged("post_install", "-at_install")
class TestLetterhead(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.firm = cls.env["res.partner"].create(
            {
                "name": "Dupont & Associés",
                "is_company": True,
                "street": "12 rue du Palais",
                "city": "Lyon",
                "zip": "69001",
                "is_law_firm": True,
                "law_firm_code": "dupont",
                "law_firm_authorised": True,
                "law_firm_authorised_date": MONDAY - timedelta(days=30),
                "law_firm_logo": LOGO,
                "law_firm_signature": "Maître Jeanne Dupont, avocate",
            }
        )
        cls.company.email = "billing@company.example"

    def _ladder(self, kind="letter", code="dupont"):
        ladder = self.Ladder.create(
            {"yaml_source": LETTERHEAD_LADDER.format(kind=kind, code=code)}
        )
        self.customer.collection_ladder_id = ladder
        return ladder

    # The ladder ------------------------------------------------------------------

    def test_unknown_letterhead_code_is_refused_when_the_ladder_is_saved(self):
        with self.assertRaises(ValidationError) as caught:
            self._ladder(code="nobody")
        message = str(caught.exception)
        self.assertIn("line 9, steps[0].actions[0].letter.letterhead", message)
        self.assertIn("no law firm with the code 'nobody'", message)

    def test_a_partner_not_flagged_law_firm_is_no_letterhead(self):
        self.firm.is_law_firm = False
        with self.assertRaises(ValidationError):
            self._ladder(kind="email")

    # The firm's consent ----------------------------------------------------------

    def _assert_refused(self, expected):
        self._ladder()
        invoice = self._make_invoice(self.customer, MONDAY - timedelta(days=10))
        self.run_collections(MONDAY)
        event = self.events(invoice, step_code="lawyer_letter")
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.result, expected)
        self.assertFalse(event.notice_id)
        self.assertFalse(
            self.env["ar.collection.notice"].search(
                [("partner_id", "=", self.customer.id)]
            )
        )
        self.assertFalse(
            self.env["ir.attachment"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", self.customer.id),
                    ("mimetype", "=", "application/pdf"),
                ]
            )
        )

    def test_firm_that_has_not_authorised_is_refused_and_nothing_is_sent(self):
        self.firm.law_firm_authorised = False
        self._assert_refused(
            "refused: law firm Dupont & Associés has not authorised its letterhead"
        )

    def test_firm_authorised_after_today_is_refused(self):
        self.firm.law_firm_authorised_date = MONDAY + timedelta(days=1)
        self._assert_refused(
            "refused: law firm Dupont & Associés has authorised its letterhead only "
            f"from {MONDAY + timedelta(days=1)}"
        )

    def test_email_of_a_firm_not_authorised_is_not_queued(self):
        self.firm.law_firm_authorised = False
        self._ladder(kind="email")
        invoice = self._make_invoice(self.customer, MONDAY - timedelta(days=10))
        self.run_collections(MONDAY)
        self.assertEqual(self.events(invoice).state, "failed")
        self.assertFalse(self.mails_to(self.customer))

    # What is sent ----------------------------------------------------------------

    def test_letter_on_the_letterhead_shows_the_firm_and_is_logged_on_it(self):
        self._ladder()
        other = self._make_customer("Beta SARL", "beta@example.com")
        other.collection_ladder_id = self.customer.collection_ladder_id
        invoices = self._make_invoice(
            self.customer, MONDAY - timedelta(days=10)
        ) | self._make_invoice(other, MONDAY - timedelta(days=12))
        messages_before = self.firm.message_ids
        self.run_collections(MONDAY)
        notices = self.events(invoices).notice_id
        self.assertEqual(len(notices), 2)
        self.assertEqual(notices.law_firm_id, self.firm)
        self.assertTrue(all(n.attachment_id.raw.startswith(b"%PDF") for n in notices))
        report = self.env.ref("ar_collections.action_report_collection_letter")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(report, notices[:1].ids)[0]
            .decode()
        )
        page = html.partition('class="page"')[2]
        for text in (
            "Dupont &amp; Associés",
            "12 rue du Palais",
            "Lyon",
            "Maître Jeanne Dupont, avocate",
            "data:image/png;base64,",
        ):
            self.assertIn(text, page)
        logged = self.firm.message_ids - messages_before
        self.assertEqual(len(logged), 2)
        for customer in self.customer | other:
            self.assertEqual(
                len(logged.filtered(lambda m, c=customer: c.name in m.body)), 1
            )

    def test_email_on_the_letterhead_comes_from_the_firm_replies_to_the_company(self):
        self._ladder(kind="email")
        invoice = self._make_invoice(self.customer, MONDAY - timedelta(days=10))
        self.run_collections(MONDAY)
        mail = self.mails_to(self.customer)
        self.assertEqual(len(mail), 1)
        self.assertEqual(
            mail.email_from, '"Dupont & Associés" <billing@company.example>'
        )
        self.assertIn("billing@company.example", mail.reply_to)
        self.assertNotIn("Dupont", mail.reply_to)
        body = mail.body_html
        self.assertIn("Dupont &amp; Associés", body)
        self.assertIn("Maître Jeanne Dupont, avocate", body)
        # the logo is a link (mail clients block images written into the message),
        # to an attachment of the firm that its token opens; made once
        self.assertNotIn("data:image", body)
        url = self.env["ar.collection.action"]._ar_letterhead_logo_url(self.firm)
        self.assertIn(url.replace("&", "&amp;"), body)
        logo = self.env["ir.attachment"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.firm.id)]
        )
        self.assertEqual(len(logo), 1)
        self.assertEqual(logo.raw, base64.b64decode(LOGO))
        self.assertEqual(
            url,
            f"{self.firm.get_base_url()}/web/image/{logo.id}"
            f"?access_token={logo.access_token}",
        )
        self.assertIn(invoice.name, body)
        self.assertEqual(self.events(invoice).notice_id.law_firm_id, self.firm)
        self.assertEqual(
            len(
                self.firm.message_ids.filtered(
                    lambda m: self.customer.name in (m.body or "")
                )
            ),
            1,
        )

    def test_notice_without_letterhead_has_no_firm(self):
        invoice = self._make_invoice(self.customer, MONDAY - timedelta(days=10))
        self.run_collections(MONDAY)
        mail = self.mails_to(self.customer)
        self.assertNotIn("Dupont", mail.body_html)
        self.assertNotIn("Dupont", mail.email_from)
        self.assertFalse(self.events(invoice).notice_id.law_firm_id)

    # Who may set the firm ------------------------------------------------------

    def test_only_a_collections_manager_sets_the_law_firm_fields(self):
        # The collector may edit contacts: only the law firm fields are refused.
        self.collector.groups_id |= self.env.ref("base.group_partner_manager")
        self.firm.with_user(self.collector).phone = "+33 4 00 00 00 00"
        as_collector = self.firm.with_user(self.collector)
        for vals in (
            {"law_firm_authorised": False},
            {"law_firm_authorised_date": MONDAY},
            {"law_firm_code": "other"},
            {"law_firm_signature": "Forged"},
            {"is_law_firm": False},
        ):
            with self.assertRaises(AccessError):
                as_collector.write(vals)
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.collector).create(
                {"name": "Fake firm", "is_law_firm": True, "law_firm_code": "fake"}
            )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.collector).with_context(
                default_law_firm_authorised=True,
                default_law_firm_authorised_date=str(MONDAY),
            ).create({"name": "Fake firm"})
        self.firm.with_user(self.manager).law_firm_signature = "Jeanne Dupont"
        self.assertEqual(self.firm.law_firm_signature, "Jeanne Dupont")

    def test_law_firm_code_is_unique_per_company(self):
        with self.assertRaises(ValidationError):
            self.env["res.partner"].create(
                {"name": "Copy", "is_law_firm": True, "law_firm_code": "dupont"}
            )
        other_company = self.setup_other_company()["company"]
        firm_a = self.env["res.partner"].create(
            {
                "name": "Firm A",
                "is_law_firm": True,
                "law_firm_code": "local",
                "company_id": self.company.id,
            }
        )
        firm_b = self.env["res.partner"].create(
            {
                "name": "Firm B",
                "is_law_firm": True,
                "law_firm_code": "local",
                "company_id": other_company.id,
            }
        )
        self.assertEqual(
            self.env["res.partner"]._ar_find_law_firms({"local"}, self.company),
            {"local": firm_a},
        )
        self.assertEqual(
            self.env["res.partner"]._ar_find_law_firms({"local"}, other_company),
            {"local": firm_b},
        )
        with self.assertRaises(ValidationError):
            self.env["res.partner"].create(
                {
                    "name": "Firm A bis",
                    "is_law_firm": True,
                    "law_firm_code": "local",
                    "company_id": self.company.id,
                }
            )

    def test_authorised_needs_a_date(self):
        with self.assertRaises(ValidationError):
            self.firm.write({"law_firm_authorised_date": False})

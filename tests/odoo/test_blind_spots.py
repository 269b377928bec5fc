"""Paths the product relies on that no other test runs.

E-mails in the customer's language, ``applies_to.partner_tags`` with Odoo's own
tags, ``assign: salesperson`` and ``assign: <login>`` on activities,
``minimum_overdue`` with invoices in a foreign currency, and the statement PDF as the
web client downloads it. (KPI values in the UI: the reporting tour.)
"""

import json
import re
from datetime import timedelta

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import MONDAY, CollectionsCase
from .test_tours_reporting import report_pdf_and_text

FIRST_NOTICE = "ar_collections.mail_template_first_notice"
TAGGED_LADDER = """\
version: 1
code: tagged_customers
name: Tagged customers
applies_to:
  partner_tags: [B2B]
steps:
  - code: tagged_notice
    day: 3
    stage: overdue
    actions:
      - email: {template: ar_collections.mail_template_first_notice}
"""


@tagged("post_install", "-at_install")
class TestBlindSpots(CollectionsCase):
    def notice_mail(self, partner, step):
        notice = self.env["ar.collection.notice"].search(
            [("partner_id", "=", partner.id), ("step_code", "=", step)]
        )
        self.assertEqual(len(notice), 1, (partner.name, step))
        return self.env["mail.mail"].search(
            [("mail_message_id", "=", notice.mail_message_id.id)]
        )

    # E-mail language ------------------------------------------------------------------

    def test_email_in_the_customers_language(self):
        """The README: templates render in the customer's language (the template's
        lang expression) as soon as translations exist."""
        self.env["res.lang"]._activate_lang("fr_FR")
        template = self.env.ref(FIRST_NOTICE)
        english_subject = template.subject
        template.with_context(
            lang="fr_FR"
        ).subject = (
            "{{ object.company_id.name }}: Rappel de paiement : factures en retard"
        )
        french = self._make_customer("Dupont SA", "compta@dupont.example", lang="fr_FR")
        english = self._make_customer("Smith Ltd", "ap@smith.example", lang="en_US")
        # The invoicing contact's language wins over the company's.
        belgian = self._make_customer("Janssens NV", "info@janssens.example")
        self.env["res.partner"].create(
            {
                "name": "Comptabilité Janssens",
                "parent_id": belgian.id,
                "type": "invoice",
                "email": "factures@janssens.example",
                "lang": "fr_FR",
            }
        )
        for customer in (french, english, belgian):
            self._make_invoice(customer, MONDAY - timedelta(days=7))
        self.run_collections(MONDAY)
        company = self.company.name
        self.assertEqual(
            self.notice_mail(french, "first_notice").subject,
            f"{company}: Rappel de paiement : factures en retard",
        )
        self.assertEqual(
            self.notice_mail(belgian, "first_notice").subject,
            f"{company}: Rappel de paiement : factures en retard",
        )
        self.assertEqual(
            self.notice_mail(english, "first_notice").subject,
            english_subject.replace("{{ object.company_id.name }}", company),
        )
        self.assertIn(
            "Payment reminder", self.notice_mail(english, "first_notice").subject
        )

    # applies_to.partner_tags ----------------------------------------------------------

    def test_partner_tags_choose_the_ladder(self):
        tagged_ladder = self.Ladder.create(
            {"yaml_source": TAGGED_LADDER, "company_id": self.company.id, "sequence": 1}
        )
        # Odoo's own customer tags, matched by name whatever the case.
        b2b = self.env["res.partner.category"].create({"name": "b2b"})
        other_tag = self.env["res.partner.category"].create({"name": "Retail"})
        tagged_customer = self._make_customer(
            "Tagged AB", "tagged@example.com", category_id=[Command.set(b2b.ids)]
        )
        retail = self._make_customer(
            "Retail AB", "retail@example.com", category_id=[Command.set(other_tag.ids)]
        )
        # An invoice to a contact of the tagged company: the company's tags count.
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": tagged_customer.id, "email": "b@example.com"}
        )
        by_contact = self._make_invoice(contact, MONDAY - timedelta(days=7))
        tagged_invoice = self._make_invoice(tagged_customer, MONDAY - timedelta(days=7))
        retail_invoice = self._make_invoice(retail, MONDAY - timedelta(days=7))
        self.run_collections(MONDAY)
        for invoice in (tagged_invoice, by_contact):
            self.assertEqual(invoice.collection_ladder_id, tagged_ladder, invoice.name)
            self.assertEqual(invoice.collection_step, "tagged_notice", invoice.name)
        self.assertEqual(retail_invoice.collection_ladder_id, self.ladder)
        self.assertEqual(retail_invoice.collection_step, "first_notice")
        # Untagged: the company default again.
        tagged_customer.category_id = False
        later = self._make_invoice(tagged_customer, MONDAY)
        self.run_collections(MONDAY + timedelta(days=7))
        self.assertEqual(later.collection_ladder_id, self.ladder)

    # assign on activities -------------------------------------------------------------

    def _call_assigned_to(self, assign, **customer_values):
        self.ladder.yaml_source = self.ladder.yaml_source.replace(
            "assign: collector", f"assign: {assign}"
        )
        customer = self._make_customer(
            "Assigned Oy", "assigned@example.com", **customer_values
        )
        invoice = self._make_invoice(customer, MONDAY)
        self.run_collections(MONDAY + timedelta(days=14))  # entered late, at the call
        self.assertEqual(invoice.collection_step, "call")
        activity = self.events(invoice, step_code="call").activity_id
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            (activity.res_model, activity.res_id), ("res.partner", customer.id)
        )
        return activity

    def test_activity_assigned_to_the_salesperson(self):
        salesperson = new_test_user(
            self.env,
            login="salesperson",
            name="Sam Sales",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.assertIn("assign: collector", self.ladder.yaml_source)
        activity = self._call_assigned_to("salesperson", user_id=salesperson.id)
        self.assertEqual(activity.user_id, salesperson)
        self.assertNotEqual(activity.user_id, self.collector)

    def test_activity_assigned_to_a_login(self):
        activity = self._call_assigned_to("collections_manager")
        self.assertEqual(activity.user_id, self.manager)

    # minimum_overdue with foreign currencies ------------------------------------------

    def test_minimum_overdue_in_company_currency(self):
        """minimum_overdue (25) is in company currency: 40 EUR at 2 EUR per unit is
        20 and waits, 60 EUR is 30 and goes."""
        eur = self.setup_other_currency("EUR")
        self.assertEqual(self.ladder._get_parsed().minimum_overdue, 25.0)
        self.assertEqual(eur.with_company(self.company).rate, 2.0)
        below = self._make_customer("Below GmbH", "below@example.com")
        above = self._make_customer("Above GmbH", "above@example.com")
        small = self._make_invoice(
            below, MONDAY - timedelta(days=7), 40.0, currency=eur
        )
        large = self._make_invoice(
            above, MONDAY - timedelta(days=7), 60.0, currency=eur
        )
        self.assertEqual(small.amount_residual_signed, 20.0)
        self.assertEqual(large.amount_residual_signed, 30.0)
        self.run_collections(MONDAY)
        self.assertEqual(large.collection_step, "first_notice")
        self.assertFalse(self.events(small, step_code="first_notice"))
        self.assertFalse(self.events(small, state="done"))
        self.assertFalse(self.mails_to(below))
        self.assertEqual(len(self.mails_to(above)), 1)


@tagged("post_install", "-at_install")
class TestStatementDownload(CollectionsCase, HttpCase):
    def test_statement_pdf_download(self):
        """The statement as the Print statement button downloads it: the report
        action, then /report/download (the web client's route) as the collector."""
        customer = self._make_customer("Statement AB", "statement@example.com")
        late = self._make_invoice(customer, MONDAY - timedelta(days=40), 410.0)
        current = self._make_invoice(customer, MONDAY + timedelta(days=400), 90.0)
        paid = self._make_invoice(customer, MONDAY - timedelta(days=10), 70.0)
        self.pay(paid)
        action = customer.with_user(self.collector).action_print_collection_statement()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_type"], "qweb-pdf")
        url = f"/report/pdf/{action['report_name']}/{customer.id}"

        self.authenticate("collector", "collector")
        page = self.url_open("/odoo").text
        token = re.search(r'csrf_token: "([^"]+)"', page).group(1)
        response = self.url_open(
            "/report/download",
            data={"data": json.dumps([url, "qweb-pdf"]), "csrf_token": token},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        disposition = response.headers["Content-Disposition"]
        self.assertRegex(disposition, r"attachment; filename\*=UTF-8''Statement%20-%20")
        self.assertIn("Statement%20AB", disposition)
        self.assertTrue(disposition.endswith(".pdf"))
        # Under test Odoo answers with the report's HTML (see the reporting tour).
        body = response.text
        for move in (late, current):
            self.assertIn(move.name, body)
        self.assertNotIn(paid.name, body)
        self.assertIn("500.00", body)

        # The same report rendered for real: a PDF, with the same contents.
        report = self.env["ir.actions.report"]._get_report(action["report_name"])
        pdf, text = report_pdf_and_text(
            self.env(user=self.collector), report, customer.ids
        )
        self.assertTrue(pdf.startswith(b"%PDF-"))
        self.assertIn("Statement AB", text)
        for move in (late, current):
            self.assertIn(move.name, text)
        self.assertNotIn(paid.name, text)

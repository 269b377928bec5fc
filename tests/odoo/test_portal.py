"""The customer portal (#11.2): the page from a notice's signed link or the portal
account, promise, dispute, statement, and every check the forms go through."""

import json
import re
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CollectionsCase


@tagged("post_install", "-at_install")
class PortalCase(CollectionsCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.late = cls._make_invoice(cls.customer, cls.today - timedelta(days=20), 300)
        cls.later = cls._make_invoice(cls.customer, cls.today - timedelta(days=5), 200)
        cls.not_due = cls._make_invoice(
            cls.customer, cls.today + timedelta(days=10), 150
        )
        cls.other = cls._make_customer("Other Ltd", "other@example.com")
        cls.foreign = cls._make_invoice(cls.other, cls.today - timedelta(days=20), 999)
        cls.notice = cls._make_notice(cls.customer, cls.late | cls.later)
        cls.other_notice = cls._make_notice(cls.other, cls.foreign)

    @classmethod
    def _make_notice(cls, partner, moves):
        return cls.env["ar.collection.notice"].create(
            {
                "partner_id": partner.id,
                "recipient_id": partner.id,
                "company_id": cls.company.id,
                "step_code": "first_notice",
                "channel": "email",
                "date": cls.today,
                "move_ids": [Command.set(moves.ids)],
            }
        )

    def notice_url(self, notice=None, suffix=""):
        notice = notice or self.notice
        token = notice._portal_ensure_token()
        return f"/my/collections/{notice.id}{suffix}?access_token={token}"

    def open_page(self, url=None):
        response = self.url_open(url or self.notice_url())
        self.assertEqual(response.status_code, 200, response.text[:500])
        return response.text

    def form_fields(self, page, form):
        """csrf_token and the nonce of the ``form`` (promise or dispute) on ``page``."""
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        block = page[page.index(f"o_ar_{form}_form") :]
        nonce = re.search(r'name="nonce" value="([0-9a-f]+)"', block).group(1)
        return {"csrf_token": csrf, "nonce": nonce, "form": form}

    def post(self, form, data, page=None, url=None, files=None):
        page = page or self.open_page()
        fields_ = self.form_fields(page, form)
        url = url or self.notice_url(suffix=f"/{form}")
        return self.url_open(url, data=fields_ | data, files=files)

    def promises(self):
        return self.env["ar.collection.promise"].search(
            [("partner_id", "=", self.customer.id)]
        )

    def disputes(self):
        return self.env["ar.collection.dispute"].search(
            [("partner_id", "=", self.customer.id)]
        )


class TestPortalAccess(PortalCase):
    def test_signed_link_shows_own_open_invoices_only(self):
        page = self.open_page()
        self.assertIn("Your overdue invoices", page)
        for move in (self.late, self.later, self.not_due):
            self.assertIn(move.name, page)
            # Each invoice links to Odoo's own invoice page.
            self.assertIn(f"/my/invoices/{move.id}", page)
        self.assertNotIn(self.foreign.name, page)
        overdue, not_due = page.split('id="ar_not_due"', 1)
        self.assertIn(self.late.name, overdue)
        self.assertNotIn(self.not_due.name, overdue.split('id="ar_pay"')[0])
        self.assertIn(self.not_due.name, not_due)
        self.assertIn("Not yet due", not_due)

    def test_paid_invoice_is_not_listed(self):
        self.pay(self.later)
        page = self.open_page()
        self.assertNotIn(self.later.name, page)
        self.assertIn(self.late.name, page)

    def test_missing_wrong_or_foreign_token_is_refused(self):
        base = f"/my/collections/{self.notice.id}"
        self.assertEqual(self.url_open(base).status_code, 403)
        self.assertEqual(
            self.url_open(f"{base}?access_token=not-the-token").status_code, 403
        )
        foreign_token = self.other_notice._portal_ensure_token()
        self.assertEqual(
            self.url_open(f"{base}?access_token={foreign_token}").status_code, 403
        )
        self.assertEqual(
            self.url_open(f"{base}/statement?access_token=x").status_code, 403
        )
        missing = self.notice.id + 100000
        self.assertEqual(
            self.url_open(f"/my/collections/{missing}?access_token=x").status_code,
            404,
        )

    def test_portal_user_sees_own_commercial_partner(self):
        contact = self.env["res.partner"].create(
            {"name": "Ann at Acme", "parent_id": self.customer.id, "email": "a@x.com"}
        )
        user = new_test_user(self.env, login="acme_portal", groups="base.group_portal")
        user.partner_id = contact
        self.authenticate("acme_portal", "acme_portal")
        page = self.open_page("/my/collections")
        self.assertIn(self.late.name, page)
        self.assertNotIn(self.foreign.name, page)
        response = self.post(
            "promise",
            {
                "move_ids": [str(self.late.id)],
                "amount": "100",
                "date": str(self.today + timedelta(days=3)),
            },
            page=page,
            url="/my/collections/promise",
        )
        self.assertEqual(response.status_code, 200)
        promise = self.promises()
        self.assertEqual(promise.source, "portal")
        self.assertEqual(promise.partner_id, self.customer)

    def test_portal_user_pages_one_company_at_a_time(self):
        company_2 = self.setup_other_company()["company"]
        self.env.user.company_ids |= company_2
        elsewhere = self._make_invoice(
            self.customer, self.today - timedelta(days=3), 77, company=company_2
        )
        user = new_test_user(self.env, login="acme_two", groups="base.group_portal")
        user.partner_id.parent_id = self.customer
        self.authenticate("acme_two", "acme_two")
        page = self.open_page("/my/collections")
        # Invoice numbers repeat across companies: compare the invoice links.
        self.assertIn(f"/my/invoices/{self.late.id}?", page)
        self.assertNotIn(f"/my/invoices/{elsewhere.id}?", page)
        self.assertIn(f"/my/collections?company_id={company_2.id}", page)
        page_2 = self.open_page(f"/my/collections?company_id={company_2.id}")
        self.assertIn(f"/my/invoices/{elsewhere.id}?", page_2)
        self.assertNotIn(f"/my/invoices/{self.late.id}?", page_2)
        # A form of the second company's page cannot cover the first's invoices.
        response = self.post(
            "promise",
            {
                "move_ids": [str(self.late.id)],
                "amount": "10",
                "date": str(self.today + timedelta(days=3)),
            },
            page=page_2,
            url=f"/my/collections/promise?company_id={company_2.id}",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("Only your own open invoices", response.text)
        self.assertFalse(self.promises())

    def test_portal_home_links_to_the_page(self):
        user = new_test_user(self.env, login="acme_home", groups="base.group_portal")
        user.partner_id.parent_id = self.customer
        self.authenticate("acme_home", "acme_home")
        page = self.open_page("/my")
        self.assertIn('href="/my/collections"', page)
        self.assertIn("Your overdue invoices", page)

    def test_anonymous_visitor_needs_a_login_for_the_account_page(self):
        response = self.url_open("/my/collections", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    def test_statement_pdf_is_token_checked(self):
        response = self.url_open(self.notice_url(suffix="/statement"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("Statement", response.headers["Content-Disposition"])
        # Under test Odoo answers with the report's HTML.
        for move in (self.late, self.later, self.not_due):
            self.assertIn(move.name, response.text)
        self.assertNotIn(self.foreign.name, response.text)


class TestPortalPromise(PortalCase):
    def promise_data(self, **values):
        return {
            "move_ids": [str(self.late.id), str(self.later.id)],
            "amount": "500.00",
            "date": str(self.today + timedelta(days=7)),
        } | values

    def test_promise_creates_a_portal_promise_that_pauses_and_confirms(self):
        response = self.post("promise", self.promise_data())
        self.assertEqual(response.status_code, 200)
        promise = self.promises()
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.source, "portal")
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.amount, 500)
        self.assertEqual(promise.move_ids, self.late | self.later)
        self.assertEqual(promise.date_start, self.today)
        self.assertEqual(promise.collector_id, self.collector)
        self.assertFalse(promise.user_id, "taken by nobody of ours: made online")
        self.assertIn(promise.case_number, response.text)
        self.assertIn("is recorded", response.text)
        # It pauses the ladder like a collector's promise.
        pauses = self.env["ar.collection.promise"]._ar_pauses(self.late, self.today)
        self.assertTrue(pauses[self.late.id])
        # Written confirmation to the customer, with invoices, amount and date.
        mail = self.env["mail.mail"].search(
            [("model", "=", "ar.collection.promise"), ("res_id", "=", promise.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn(self.customer, mail.recipient_ids)
        self.assertIn(self.late.name, mail.body_html)
        self.assertIn("500.00", mail.body_html)
        # The collector sees it in the customer's chatter and the worklist.
        note = self.customer.message_ids.filtered(
            lambda m: "Promise made on the portal" in (m.body or "")
        )
        self.assertEqual(len(note), 1)
        row = self.env["ar.collection.worklist"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(row.open_promise_id, promise)

    def test_confirmation_goes_out_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        self.post("promise", self.promise_data())
        promise = self.promises()
        template = self.env.ref("ar_collections.mail_template_promise_confirmation")
        self.assertEqual(template._render_lang(promise.ids)[promise.id], "fr_FR")

    def test_replayed_form_creates_one_promise(self):
        page = self.open_page()
        first = self.post("promise", self.promise_data(), page=page)
        second = self.post("promise", self.promise_data(), page=page)
        self.assertEqual(first.status_code, 200)
        self.assertEqual(second.status_code, 200)
        self.assertEqual(len(self.promises()), 1)
        self.assertIn(self.promises().case_number, second.text)

    def assertRefused(self, data, message, files=None):
        response = self.post("promise", self.promise_data(**data), files=files)
        self.assertEqual(response.status_code, 400, response.text[:300])
        self.assertIn(message, response.text)
        self.assertFalse(self.promises())

    def test_foreign_invoice_is_refused(self):
        self.assertRefused(
            {"move_ids": [str(self.late.id), str(self.foreign.id)]},
            "Only your own open invoices",
        )

    def test_paid_invoice_is_refused(self):
        self.pay(self.later)
        self.assertRefused({"amount": "100"}, "Only your own open invoices")

    def test_unknown_or_malformed_invoice_ids_are_refused(self):
        self.assertRefused({"move_ids": ["abc"]}, "The invoices chosen are not valid")
        self.assertRefused(
            {"move_ids": [str(self.late.id + 100000)]},
            "The invoices chosen are not valid",
        )
        self.assertRefused({"move_ids": []}, "Choose at least one invoice")

    def test_dates_outside_the_ladder_limit_are_refused(self):
        self.assertRefused({"date": str(self.today)}, "Choose a payment date after")
        self.assertRefused(
            {"date": str(self.today + timedelta(days=31))}, "Choose a payment date"
        )
        self.assertRefused({"date": "next week"}, "Enter the date as YYYY-MM-DD")

    def test_ladder_sets_the_furthest_date(self):
        self.ladder.yaml_source = self.ladder.yaml_source.replace(
            "\nsteps:", "\nportal: {promise_max_days: 5}\nsteps:", 1
        )
        self.assertEqual(self.ladder._get_parsed().portal_promise_max_days, 5)
        self.assertRefused(
            {"date": str(self.today + timedelta(days=6))}, "Choose a payment date"
        )
        ok = self.post(
            "promise", self.promise_data(date=str(self.today + timedelta(days=5)))
        )
        self.assertEqual(ok.status_code, 200)
        self.assertEqual(len(self.promises()), 1)

    def test_amounts_are_checked(self):
        self.assertRefused({"amount": "0"}, "more than zero")
        self.assertRefused({"amount": "-5"}, "more than zero")
        self.assertRefused({"amount": "lots"}, "Enter the amount as a number")
        self.assertRefused({"amount": "nan"}, "more than zero")
        self.assertRefused({"amount": "500.01"}, "more than the chosen invoices owe")

    def test_missing_csrf_token_is_refused(self):
        page = self.open_page()
        data = self.form_fields(page, "promise") | self.promise_data()
        del data["csrf_token"]
        response = self.url_open(self.notice_url(suffix="/promise"), data=data)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.promises())

    def test_broken_portal_promise_is_handled_like_a_phone_promise(self):
        self.ladder.yaml_source = self.ladder.yaml_source.replace(
            "\nsteps:", "\non_broken_promise: {step: final_demand}\nsteps:", 1
        )
        self.post("promise", self.promise_data(amount="100"))
        promise = self.promises()
        self.assertEqual(promise.source, "portal")
        grace = self.ladder._get_parsed().promise_grace_days
        after = promise.date + timedelta(days=grace + 1)
        _kept, broken = self.env["ar.collection.promise"]._check_open_promises(
            self.company, after
        )
        self.assertEqual(broken, promise)
        self.assertEqual(promise.state, "broken")
        activity = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.customer.id),
                ("summary", "=", "Broken promise"),
            ]
        )
        self.assertEqual(activity.user_id, self.collector)
        # The ladder resumes: the promise holds the invoice no more after it broke.
        pauses = self.env["ar.collection.promise"]._ar_pauses(self.late, after)
        self.assertTrue(all(last < after for _first, last in pauses[self.late.id]))
        self.assertEqual(
            self.env["ar.collection.promise"]._ar_latest_states(self.late)[
                self.late.id
            ],
            "broken",
        )
        # The ladder's on_broken_promise jump applies to it.
        jumps = self.env["ar.collection.run"]._get_jumps(self.late, after)
        self.assertEqual(jumps, {self.late.id: "final_demand"})


class TestPortalDispute(PortalCase):
    def dispute_data(self, **values):
        return {
            "move_ids": [str(self.late.id)],
            "reason": "damaged",
            "description": "Two boxes arrived broken.",
        } | values

    def test_dispute_opens_a_case_with_files_and_an_activity(self):
        files = [("attachments", ("photo.png", b"\x89PNG fake image", "image/png"))]
        response = self.post("dispute", self.dispute_data(), files=files)
        self.assertEqual(response.status_code, 200)
        dispute = self.disputes()
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.source, "portal")
        self.assertEqual(dispute.reason, "damaged")
        self.assertEqual(dispute.move_ids, self.late)
        self.assertEqual(dispute.responsible_id, self.collector)
        self.assertIn(dispute.case_number, response.text)
        self.assertIn("case number", response.text)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", dispute._name), ("res_id", "=", dispute.id)]
        )
        self.assertEqual(attachment.name, "photo.png")
        self.assertEqual(attachment.raw, b"\x89PNG fake image")
        activity = dispute.activity_ids
        self.assertEqual(activity.user_id, self.collector)
        pauses = self.env["ar.collection.dispute"]._ar_pauses(self.late, self.today)
        self.assertTrue(pauses[self.late.id])
        self.assertTrue(
            self.customer.message_ids.filtered(
                lambda m: "Dispute opened on the portal" in (m.body or "")
            )
        )
        row = self.env["ar.collection.worklist"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertTrue(row.has_open_dispute)

    def test_replayed_dispute_creates_one_case(self):
        page = self.open_page()
        self.post("dispute", self.dispute_data(), page=page)
        self.post("dispute", self.dispute_data(), page=page)
        self.assertEqual(len(self.disputes()), 1)

    def test_bad_dispute_input_is_refused(self):
        for data, message in (
            ({"reason": "because"}, "Choose a reason for the dispute"),
            ({"description": "   "}, "Describe what is wrong"),
            ({"move_ids": [str(self.foreign.id)]}, "Only your own open invoices"),
        ):
            response = self.post("dispute", self.dispute_data(**data))
            self.assertEqual(response.status_code, 400)
            self.assertIn(message, response.text)
            # What was typed is kept on the page.
            if data.get("description") is None:
                self.assertIn("Two boxes arrived broken.", response.text)
        self.assertFalse(self.disputes())

    def test_nonce_of_another_customer_is_refused(self):
        self.post("dispute", self.dispute_data())
        nonce = self.disputes().portal_nonce
        Dispute = self.env["ar.collection.dispute"]
        with self.assertRaisesRegex(UserError, "already used"):
            Dispute._ar_create_from_portal(
                self.other,
                self.company,
                self.foreign,
                "damaged",
                "x",
                [],
                nonce,
            )


class TestPortalCaseModel(PortalCase):
    def test_source_and_nonce_never_change(self):
        self.post(
            "promise",
            {
                "move_ids": [str(self.late.id)],
                "amount": "10",
                "date": str(self.today + timedelta(days=2)),
            },
        )
        promise = self.promises()
        for vals in ({"source": "collector"}, {"portal_nonce": "other"}):
            with self.assertRaisesRegex(UserError, "never changes"):
                promise.sudo().write(vals)
        dispute = self.env["ar.collection.dispute"].create(
            {
                "move_ids": [Command.set(self.later.ids)],
                "reason": "price",
                "description": "Too dear",
            }
        )
        self.assertEqual(dispute.source, "collector")
        with self.assertRaisesRegex(UserError, "never changes"):
            dispute.sudo().write({"source": "portal"})

    def test_portal_promise_terms_hold_for_every_caller(self):
        Promise = self.env["ar.collection.promise"].sudo()
        base = {
            "move_ids": [Command.set(self.late.ids)],
            "amount": 100,
            "source": "portal",
        }
        with self.assertRaisesRegex(ValidationError, "Choose a payment date"):
            Promise.create(base | {"date": self.today + timedelta(days=60)})
        with self.assertRaisesRegex(ValidationError, "more than the chosen"):
            Promise.create(
                base | {"amount": 301, "date": self.today + timedelta(days=3)}
            )
        # A collector's promise has no such limit.
        Promise.create(
            base | {"source": "collector", "date": self.today + timedelta(days=60)}
        )


class PortalPaymentCase(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Provider = cls.env["payment.provider"].sudo()
        demo = Provider.search(
            [("code", "=", "demo"), ("company_id", "=", cls.company.id)], limit=1
        ) or Provider.search([("code", "=", "demo")], limit=1).copy(
            {"company_id": cls.company.id}
        )
        demo.write({"state": "test", "is_published": True})
        cls.provider = demo
        cls.payment_method = demo.payment_method_ids[:1]


class TestPortalPayment(PortalPaymentCase):
    def pay_page(self, move_ids):
        page = self.open_page()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return self.url_open(
            self.notice_url(suffix="/pay"),
            data={"csrf_token": csrf, "move_ids": [str(i) for i in move_ids]},
        )

    def transaction(self, move_ids, **params):
        """The transaction route's answer: (result, error message)."""
        page = self.open_page()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        ids = "-".join(str(i) for i in move_ids)
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 0,
            "params": {
                "provider_id": self.provider.id,
                "payment_method_id": self.payment_method.id,
                "token_id": None,
                "amount": 1.0,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": "/somewhere/else",
                "is_validation": False,
                "access_token": self.notice.access_token,
                "csrf_token": csrf,
            }
            | params,
        }
        response = self.url_open(
            f"/my/collections/{self.notice.id}/transaction/{ids}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        ).json()
        error = response.get("error")
        return response.get("result"), error and error["data"]["message"]

    def test_page_offers_to_pay_and_the_form_is_odoos(self):
        self.assertIn("o_ar_pay_form", self.open_page())
        response = self.pay_page([self.late.id, self.later.id])
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_payment_form", response.text)
        self.assertIn("500.00", response.text)
        self.assertIn(
            f"/my/collections/{self.notice.id}/transaction/"
            f"{self.late.id}-{self.later.id}",
            response.text,
        )

    def test_pay_form_refuses_foreign_invoices(self):
        response = self.pay_page([self.late.id, self.foreign.id])
        self.assertEqual(response.status_code, 400)
        self.assertIn("Only your own open invoices", response.text)
        self.assertNotIn("o_payment_form", response.text)

    def test_transaction_accepts_only_own_open_invoices(self):
        for ids in (
            [self.late.id, self.foreign.id],
            [self.foreign.id],
            [self.late.id + 100000],
        ):
            result, error = self.transaction(ids)
            self.assertFalse(result)
            self.assertRegex(error, "Only your own open invoices|not valid")
        self.assertFalse(
            self.env["payment.transaction"].search(
                [("invoice_ids", "in", (self.late | self.foreign).ids)]
            )
        )
        # Another customer's notice token does not open this customer's route.
        result, error = self.transaction(
            [self.late.id], access_token=self.other_notice._portal_ensure_token()
        )
        self.assertFalse(result)
        self.assertTrue(error)

    def test_demo_payment_reconciles_stops_the_ladder_and_cancels_the_reminder(self):
        self.ladder.yaml_source = self.ladder.yaml_source.replace(
            "quiet_weekdays: [sat, sun]\n", "", 1
        )
        self.run_collections(self.today)
        reminder = self.mails_to(self.customer).filtered(
            lambda m: m.state == "outgoing"
        )
        self.assertEqual(len(reminder), 1)
        result, error = self.transaction([self.late.id, self.later.id])
        self.assertFalse(error)
        self.assertTrue(result)
        tx = self.env["payment.transaction"].search(
            [("invoice_ids", "in", self.late.ids)]
        )
        self.assertEqual(len(tx), 1)
        # The amount is what the invoices owe, whatever the browser said.
        self.assertEqual(tx.amount, 500)
        self.assertEqual(tx.invoice_ids, self.late | self.later)
        self.assertEqual(tx.partner_id, self.customer)
        self.assertEqual(tx.landing_route, self.notice_url())
        tx._handle_notification_data(
            "demo",
            {
                "reference": tx.reference,
                "payment_details": "1234",
                "simulated_state": "done",
            },
        )
        tx._post_process()
        for move in self.late | self.later:
            self.assertIn(move.payment_state, ("paid", "in_payment"))
        reminder.send()
        self.assertEqual(reminder.state, "cancel")
        self.run_collections(self.today)
        paid = self.env.ref("ar_collections.ar_collection_stage_paid")
        for move in self.late | self.later:
            self.assertEqual(move.collection_stage_id, paid)

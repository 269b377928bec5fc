import base64
import csv
import io
import zipfile
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import MONDAY, CollectionsCase

# Past the final demand of the shipped ladder (day 30), on a weekday.
LATE = MONDAY + timedelta(days=73)  # Thursday 2026-05-14
AGENCY_STEP = (
    "  - code: agency\n"
    "    day: 60\n"
    "    stage: agency\n"
    "    actions:\n"
    "      - refer_to_agency: {agency: %s}\n"
)


@tagged("post_install", "-at_install")
class TestAgencyReferral(CollectionsCase):
    """Agency referral: configure, refer, send, track, bill, recall, return, legal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Referral = cls.env["ar.agency.referral"]
        cls.LegalCase = cls.env["ar.legal.case"]
        cls.agency = cls.env["res.partner"].create(
            {
                "name": "Nordic Collect AS",
                "is_company": True,
                "is_collection_agency": True,
                "collection_agency_code": "nordic",
                "agency_commission_rate": 10.0,
                "agency_minimum_fee": 50.0,
                "email": "office@nordic.example",
                "agency_email": "cases@nordic.example",
            }
        )
        cls.other_agency = cls.env["res.partner"].create(
            {
                "name": "Inkasso Sverige AB",
                "is_company": True,
                "is_collection_agency": True,
                "collection_agency_code": "inkasso",
                "agency_commission_rate": 20.0,
                "email": "cases@inkasso.example",
            }
        )
        cls.company.ar_default_agency_id = cls.agency
        cls.customer.write(
            {
                "vat": "NO123456785",
                "street": "Storgata 1",
                "city": "Oslo",
                "zip": "0155",
                "phone": "+47 22 00 00 00",
            }
        )
        cls.env["res.partner"].create(
            {
                "name": "Ola Accounts",
                "parent_id": cls.customer.id,
                "type": "invoice",
                "email": "ola@acme.example",
            }
        )

    def invoice(self, amount=1000.0, due=MONDAY, partner=None):
        return self._make_invoice(partner or self.customer, due, amount=amount)

    def refer(self, moves, agency=None, send=True):
        referral = self.Referral.with_user(self.manager).create(
            {
                "partner_id": moves.commercial_partner_id.id,
                "agency_id": (agency or self.agency).id,
                "move_ids": [Command.set(moves.ids)],
            }
        )
        if send:
            referral.action_send()
        return referral

    # Configuration and drafts ---

    def test_agency_configuration(self):
        self.assertEqual(
            self.env["res.partner"]._ar_find_agency("default", self.company),
            self.agency,
        )
        self.assertEqual(
            self.env["res.partner"]._ar_find_agency("inkasso", self.company),
            self.other_agency,
        )
        self.assertFalse(self.env["res.partner"]._ar_find_agency("nope", self.company))
        with self.assertRaises(ValidationError):
            self.Referral.create(
                {
                    "partner_id": self.customer.id,
                    "agency_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice().ids)],
                }
            )

    def test_refer_wizard_from_invoice_selection(self):
        first, second, third = self.invoice(300), self.invoice(500), self.invoice(700)
        action = self.env.ref("ar_collections.account_move_action_refer_to_agency")
        result = action.with_context(
            active_model="account.move", active_ids=(first | second).ids
        ).run()
        wizard = (
            self.env[result["res_model"]]
            .with_user(self.collector)
            .with_context(result["context"])
            .create({})
        )
        self.assertEqual(wizard.agency_id, self.agency)
        self.assertEqual(wizard.move_ids, first | second)
        referral = self.Referral.browse(wizard.action_create()["res_id"])
        self.assertEqual(referral.state, "draft")
        self.assertEqual(referral.partner_id, self.customer)
        self.assertEqual(referral.line_ids.move_id, first | second)
        self.assertEqual(referral.amount_referred, 800.0)
        self.assertEqual(referral.commission_rate, 10.0)
        self.assertEqual(referral.commission_minimum, 50.0)
        # A draft does not pause the ladder, and a draft is deletable.
        self.assertFalse(self.Referral._paused_by_referral(first, MONDAY))
        # Collectors cannot send.
        with self.assertRaises(AccessError):
            referral.with_user(self.collector).action_send()
        # From the customer: the overdue invoices not referred yet.
        with freeze_time(LATE):
            result = self.customer.action_refer_to_agency()
        self.assertEqual(
            result["context"]["default_move_ids"], [Command.set(third.ids)]
        )
        referral.with_user(self.collector).unlink()

    # Sending ---

    @freeze_time(LATE)
    def test_send_holds_moves_to_agency_stage_pauses_and_mails(self):
        first, second = self.invoice(300), self.invoice(500)
        self.run_collections(LATE)
        self.assertEqual(first.collection_stage_id.code, "final_demand")
        referral = self.refer(first | second)
        self.assertEqual(referral.state, "sent")
        self.assertEqual(referral.date_sent, LATE)
        # Credit hold, from the referral.
        self.assertTrue(self.customer.credit_hold)
        holds = self.env["ar.credit.hold"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(holds.filtered(lambda h: h.state == "active")), 1)
        # Stage agency, an event per invoice.
        self.assertEqual((first | second).collection_stage_id.code, "agency")
        self.assertEqual(self.customer.collection_stage_id.code, "agency")
        events = self.events(first | second, step_code="agency_referral")
        self.assertEqual(len(events), 2)
        self.assertEqual(set(events.mapped("action_kind")), {"refer_to_agency"})
        # The e-mail to the agency, with the case file, in the chatter.
        message = referral.message_ids.filtered(
            lambda m: m.message_type == "comment" and m.attachment_ids
        )
        self.assertEqual(len(message), 1)
        self.assertIn("cases@nordic.example", message.partner_ids.mapped("email"))
        names = sorted(message.attachment_ids.mapped("name"))
        self.assertIn(f"{referral.name} case file.pdf", names)
        self.assertIn(f"{referral.name} invoices.csv", names)
        self.assertIn(f"{referral.name} history.csv", names)
        self.assertIn(f"{referral.name} case file.xlsx", names)
        for move in first | second:
            self.assertIn(f"{move.name.replace('/', '_')}.pdf", names)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertTrue(mail)
        # The ladder leaves the invoices alone from now on.
        paused = self.Referral._paused_by_referral(first | second, LATE)
        self.assertEqual(paused, {first.id: None, second.id: None})
        steps_before = len(self.events(first | second))
        self.run_collections(LATE + timedelta(days=40))
        self.assertEqual(len(self.events(first | second)), steps_before)
        # Sent referrals cannot be deleted, nor changed.
        with self.assertRaises(UserError):
            referral.unlink()
        with self.assertRaises(UserError):
            referral.agency_id = self.other_agency

    def test_state_changes_in_chatter(self):
        self.assertTrue(self.Referral._fields["state"].tracking)
        referral = self.refer(self.invoice())
        referral.with_user(self.manager).action_recall("Paid a visit")
        messages = referral.message_ids.filtered(
            lambda m: m.author_id == self.manager.partner_id
        )
        bodies = " ".join(str(body) for body in messages.mapped("body"))
        self.assertIn(referral.name, bodies)  # the case file e-mail (sent)
        self.assertIn("Recalled from Nordic Collect AS: Paid a visit", bodies)

    def test_never_referred_twice(self):
        move = self.invoice()
        first = self.refer(move, send=False)
        with self.assertRaises(ValidationError):
            self.refer(move, agency=self.other_agency, send=False)
        first.action_send()
        # A second draft is possible, but it can never be sent while the first runs.
        second = self.refer(move, agency=self.other_agency, send=False)
        with self.assertRaises(ValidationError):
            second.action_send()
        self.assertEqual(second.state, "draft")
        self.assertEqual(move.collection_stage_id.code, "agency")

    # Case file ---

    @freeze_time(LATE)
    def test_case_file_contents(self):
        first, second = self.invoice(300), self.invoice(500)
        self.pay(first, 100)
        self.env["ar.collection.contact"].create(
            {
                "partner_id": self.customer.id,
                "channel": "call",
                "outcome": "reached",
                "note": "Promised to look into it",
                "move_ids": [Command.set(first.ids)],
            }
        )
        referral = self.refer(first | second, send=False)
        data = referral._case_file_data()
        self.assertEqual(data["debtor"]["name"], "Acme Corp")
        self.assertEqual(data["debtor"]["vat"], "NO123456785")
        self.assertIn("Oslo", data["debtor"]["address"])
        self.assertEqual(data["addresses"][0]["email"], "ola@acme.example")
        self.assertEqual(
            [i["number"] for i in data["invoices"]], [first.name, second.name]
        )
        self.assertEqual(data["invoices"][0]["amount_residual"], 200.0)
        self.assertEqual(len(data["payments"]), 1)
        self.assertEqual(data["payments"][0]["amount"], 100.0)
        self.assertIn(
            "Promised to look into it", [row["detail"] for row in data["history"]]
        )
        invoices_csv, history_csv = referral._case_file_csv(data)
        rows = list(csv.DictReader(io.StringIO(invoices_csv)))
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[0]["case_reference"], referral.name)
        self.assertEqual(rows[0]["debtor_name"], "Acme Corp")
        self.assertEqual(rows[0]["vat"], "NO123456785")
        self.assertEqual(rows[0]["invoice_number"], first.name)
        self.assertEqual(float(rows[0]["amount_residual"]), 200.0)
        self.assertEqual(rows[1]["currency"], self.company.currency_id.name)
        history = list(csv.DictReader(io.StringIO(history_csv)))
        self.assertIn("payment", [row["type"] for row in history])
        xlsx = referral._case_file_xlsx(data)
        with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
            workbook = book.read("xl/workbook.xml").decode()
            strings = book.read("xl/sharedStrings.xml").decode()
        for sheet in ("Debtor", "Invoices", "Payments", "Contact history"):
            self.assertIn(f'name="{sheet}"', workbook)
        self.assertIn("NO123456785", strings)
        self.assertIn(first.name, strings)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "ar_collections.action_report_agency_case_file", referral.ids
            )[0]
            .decode()
        )
        self.assertIn("Acme Corp", html)
        self.assertIn("NO123456785", html)
        self.assertIn(second.name, html)
        self.assertIn("Payment history", html)
        # The agency's format decides the data files sent.
        self.agency.agency_case_file_format = "xlsx"
        attachments = referral._generate_case_file()
        names = attachments.mapped("name")
        self.assertFalse([n for n in names if n.endswith(".csv")])
        self.assertIn(f"{referral.name} case file.xlsx", names)
        self.assertEqual(len([n for n in names if n.endswith(".pdf")]), 3)

    # Tracking and commission ---

    def test_manual_updates_and_close_recovered_bills_commission(self):
        referral = self.refer(self.invoice(300) | self.invoice(700))
        wizard_action = referral.action_open_update_wizard()
        Wizard = self.env["ar.agency.update.wizard"].with_context(
            wizard_action["context"]
        )
        Wizard.create({"status": "acknowledged"}).action_apply()
        self.assertEqual(referral.state, "acknowledged")
        Wizard.create({"status": "collecting", "amount_collected": 400}).action_apply()
        self.assertEqual(referral.state, "collecting")
        self.assertEqual(referral.amount_collected_agency, 400)
        self.assertEqual(referral.amount_recovered, 400)
        self.assertEqual(referral.commission_amount, 40)
        self.assertEqual(referral.amount_net, 360)
        with self.assertRaises(UserError):
            Wizard.create(
                {"status": "collecting", "amount_collected": 1500}
            ).action_apply()
        Wizard.create({"status": "recovered", "amount_collected": 1000}).action_apply()
        self.assertEqual(referral.state, "closed")
        self.assertEqual(referral.close_reason, "recovered")
        self.assertEqual(referral.commission_amount, 100)
        self.assertEqual(len(referral.update_ids), 3)
        bill = referral.commission_move_ids
        self.assertEqual(len(bill), 1)
        self.assertEqual(bill.move_type, "in_invoice")
        self.assertEqual(bill.state, "draft")
        self.assertEqual(bill.partner_id, self.agency)
        self.assertEqual(bill.amount_total, 100)
        self.assertEqual(referral.commission_billed, 100)
        self.assertEqual(referral.commission_to_bill, 0)
        # Nothing billed twice.
        self.assertFalse(referral._bill_commission())

    def test_direct_payments_matched_and_minimum_fee(self):
        first, second = self.invoice(200), self.invoice(100)
        referral = self.refer(first | second)
        self.pay(first, 150)
        self.assertEqual(
            referral.line_ids.filtered(lambda ln: ln.move_id == first).amount_recovered,
            150,
        )
        self.assertEqual(referral.amount_recovered, 150)
        self.assertEqual(referral.amount_residual, 150)
        self.assertEqual(referral.commission_amount, 15)
        self.assertEqual(referral.state, "sent")
        self.pay(first)
        self.pay(second)
        self.assertEqual(referral.state, "closed")
        self.assertEqual(referral.close_reason, "recovered")
        self.assertEqual(referral.amount_recovered, 300)
        # 10% of 300 is 30: the minimum fee of 50 applies to the closed case.
        self.assertEqual(referral.commission_amount, 50)
        # The bill is made once the reconciliation is over, before the commit.
        self.env.cr.flush()
        self.assertEqual(referral.commission_move_ids.amount_total, 50)
        # Paid and recovered: the referral's hold is released.
        self.assertFalse(self.customer.credit_hold)
        self.assertEqual(first.collection_stage_id.code, "paid")

    def test_commission_billed_per_period(self):
        self.agency.agency_billing_mode = "period"
        first = self.refer(self.invoice(1000))
        second = self.refer(
            self.invoice(2000, partner=self._make_customer("Beta", "b@x.example"))
        )
        self.pay(first.move_ids)
        self.assertEqual(first.state, "closed")
        self.env.cr.flush()
        self.assertFalse(first.commission_move_ids)
        self.pay(second.move_ids, 500)
        bills = self.Referral._cron_bill_commissions()
        self.assertEqual(len(bills), 1)
        self.assertEqual(bills.partner_id, self.agency)
        self.assertEqual(len(bills.invoice_line_ids), 2)
        self.assertEqual(bills.amount_total, 100 + 50)
        self.assertEqual(first.commission_move_ids, bills)
        self.assertEqual(second.commission_billed, 50)
        self.assertFalse(self.Referral._cron_bill_commissions())
        self.pay(second.move_ids)
        bills = self.Referral._cron_bill_commissions()
        self.assertEqual(bills.amount_total, 150)

    # Import ---

    def _import(self, rows):
        text = "case_reference,status,amount_collected,note\n" + "".join(
            f"{row}\n" for row in rows
        )
        wizard = (
            self.env["ar.agency.import.wizard"]
            .with_user(self.collector)
            .create(
                {"file": base64.b64encode(text.encode()), "filename": "updates.csv"}
            )
        )
        return wizard.action_import()

    def test_import_good_rows(self):
        first_move, second_move = self.invoice(1000), self.invoice(500)
        first = self.refer(first_move)
        first.agency_case_reference = "NC-77"
        second = self.refer(second_move)
        self._import(
            [
                "NC-77,collecting,250.00,First instalment",
                f"{second.name},returned,,Debtor unreachable",
            ]
        )
        self.assertEqual(first.state, "collecting")
        self.assertEqual(first.amount_collected_agency, 250)
        self.assertEqual(first.update_ids.source, "import")
        self.assertEqual(first.update_ids.note, "First instalment")
        self.assertEqual(second.state, "closed")
        self.assertEqual(second.close_reason, "returned")
        self.assertTrue(second.write_off_request_ids)

    def test_import_bad_rows_change_nothing(self):
        first_move, second_move = self.invoice(1000), self.invoice(500)
        first = self.refer(first_move)
        second = self.refer(second_move)
        with self.assertRaises(UserError) as caught:
            self._import(
                [
                    f"{first.name},collecting,100,",
                    "REF/1999/9999,collecting,10,",
                    f"{second.name},collecting,900,",
                    f"{first.name}x,paid,10,",
                    f"{second.name},lost,10,",
                ]
            )
        message = str(caught.exception)
        self.assertIn("4 bad row(s)", message)
        self.assertIn("Line 3 (REF/1999/9999): unknown case reference", message)
        self.assertIn("Line 4", message)
        self.assertIn("over the referred balance", message)
        self.assertIn("Line 5", message)
        self.assertIn("Line 6", message)
        self.assertIn("unknown status 'lost'", message)
        self.assertNotIn("Line 2 ", message)
        self.assertEqual(first.state, "sent")
        self.assertEqual(first.amount_collected_agency, 0)
        self.assertFalse(first.update_ids | second.update_ids)
        with self.assertRaises(UserError):
            self.env["ar.agency.import.wizard"].create(
                {"file": base64.b64encode(b"reference,status\nx,y\n")}
            ).action_import()

    # Recall and return ---

    @freeze_time(LATE)
    def test_recall_returns_invoices_to_the_ladder(self):
        move = self.invoice(800)
        self.run_collections(LATE)
        self.assertEqual(move.collection_stage_id.code, "final_demand")
        referral = self.refer(move)
        self.assertEqual(move.collection_stage_id.code, "agency")
        with self.assertRaises(UserError):
            referral.action_recall("  ")
        with self.assertRaises(AccessError):
            referral.with_user(self.collector).action_recall("Customer paid us a visit")
        action = referral.action_open_recall_wizard()
        self.env["ar.agency.close.wizard"].with_user(self.manager).with_context(
            action["context"]
        ).create({"reason": "Customer agreed a payment plan"}).action_confirm()
        self.assertEqual(referral.state, "recalled")
        self.assertEqual(referral.recall_reason, "Customer agreed a payment plan")
        self.assertEqual(move.collection_stage_id.code, "final_demand")
        self.assertFalse(move.collection_next_date)
        self.assertFalse(self.Referral._paused_by_referral(move, LATE))
        self.assertIn(
            "Customer agreed a payment plan",
            " ".join(str(body) for body in referral.message_ids.mapped("body")),
        )
        # Later payments are not recoveries of a recalled referral.
        self.pay(move)
        self.assertEqual(referral.amount_recovered, 0)
        # Recalled, the invoice may be referred again, to another agency.
        self.assertEqual(referral.state, "recalled")

    def test_refer_again_after_recall(self):
        move = self.invoice(800)
        first = self.refer(move)
        first.action_recall("Wrong agency")
        second = self.refer(move, agency=self.other_agency)
        self.assertEqual(second.state, "sent")
        self.assertEqual(len(self.events(move, step_code="agency_referral")), 2)
        self.assertEqual(move.collection_stage_id.code, "agency")

    def test_returned_uncollectible_proposes_write_off(self):
        first, second = self.invoice(600), self.invoice(400)
        referral = self.refer(first | second)
        self.pay(second)
        referral.action_close_returned("Debtor insolvent")
        self.assertEqual(referral.state, "closed")
        self.assertEqual(referral.close_reason, "returned")
        request = referral.write_off_request_ids
        self.assertEqual(len(request), 1)
        self.assertEqual(request.reason, "agency_returned")
        self.assertEqual(request.move_ids, first)
        self.assertEqual(request.state, "draft")
        self.assertIn(referral.name, request.note)
        # Something was recovered (the direct payment): commission billed.
        self.assertEqual(referral.amount_recovered, 400)
        self.assertEqual(referral.commission_move_ids.amount_total, 50)
        # Still not dunned.
        self.assertTrue(self.Referral._paused_by_referral(first, MONDAY))
        with self.assertRaises(UserError):
            referral.action_recall("Too late")

    # Ladder ---

    def test_ladder_makes_a_draft_referral(self):
        self.ladder.yaml_source = self.ladder.yaml_source + AGENCY_STEP % "default"
        move = self.invoice(900)
        self.run_collections(MONDAY + timedelta(days=63))  # a Monday
        referral = self.Referral.search([("move_ids", "in", move.ids)])
        self.assertEqual(len(referral), 1)
        self.assertEqual(referral.state, "draft")
        self.assertEqual(referral.agency_id, self.agency)
        self.assertTrue(referral.activity_ids)
        event = self.events(move, step_code="agency")
        self.assertIn(referral.name, event.result)
        self.assertEqual(event.state, "done")
        # Not sent: no hold from the referral, and the manager confirms it.
        referral.with_user(self.manager).action_send()
        self.assertEqual(referral.state, "sent")
        self.run_collections(MONDAY + timedelta(days=70))
        self.assertEqual(self.Referral.search_count([("move_ids", "in", move.ids)]), 1)

    def test_ladder_sends_with_confirm_and_fails_on_unknown_agency(self):
        self.ladder.yaml_source = self.ladder.yaml_source + (
            AGENCY_STEP % "inkasso, confirm: true"
        )
        move = self.invoice(900)
        self.run_collections(MONDAY + timedelta(days=63))
        referral = self.Referral.search([("move_ids", "in", move.ids)])
        self.assertEqual(referral.state, "sent")
        self.assertEqual(referral.agency_id, self.other_agency)
        self.assertTrue(self.customer.credit_hold)
        self.assertEqual(self.events(move, step_code="agency").state, "done")
        # The same step naming an agency that does not exist: the action fails,
        # said on the event; nothing is referred, sent or held.
        self.ladder.yaml_source = self.ladder.yaml_source.replace(
            "refer_to_agency: {agency: inkasso, confirm: true}",
            "refer_to_agency: {agency: nowhere, confirm: true}",
        )
        other = self._make_customer("Nowhere Ltd", "nowhere@example.com")
        unknown = self.invoice(700, partner=other)
        mails_before = self.env["mail.mail"].search_count([])
        result = self.run_collections(MONDAY + timedelta(days=63))
        event = self.events(unknown, step_code="agency")
        self.assertEqual(event.state, "failed")
        self.assertIn("No collection agency 'nowhere'", event.result)
        self.assertEqual(result["actions_failed"], 1)
        self.assertFalse(self.Referral.search([("move_ids", "in", unknown.ids)]))
        self.assertFalse(other.credit_hold)
        self.assertEqual(self.Referral.search_count([("partner_id", "=", other.id)]), 0)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)

    def test_ladder_unknown_agency_fails(self):
        self.ladder.yaml_source = self.ladder.yaml_source + AGENCY_STEP % "nowhere"
        move = self.invoice(900)
        self.run_collections(MONDAY + timedelta(days=63))
        event = self.events(move, step_code="agency")
        self.assertEqual(event.state, "failed")
        self.assertIn("No collection agency 'nowhere'", event.result)
        self.assertFalse(self.Referral.search([("move_ids", "in", move.ids)]))

    # Legal ---

    @freeze_time(LATE)
    def test_send_customer_to_legal(self):
        self.company.ar_legal_user_id = self.manager
        first, second = self.invoice(300), self.invoice(500)
        result = self.customer.with_user(self.manager).action_send_to_legal()
        case = self.LegalCase.browse(result["res_id"])
        self.assertEqual(case.state, "open")
        self.assertEqual(case.move_ids, first | second)
        self.assertEqual(case.amount_claimed, 800)
        self.assertEqual(case.user_id, self.manager)
        self.assertEqual(case.activity_ids.user_id, self.manager)
        self.assertEqual((first | second).collection_stage_id.code, "legal")
        self.assertEqual(
            self.LegalCase._paused_by_legal_case(first | second, LATE),
            {first.id: None, second.id: None},
        )
        case.write(
            {
                "claim_reference": "TOSLO-26-1234",
                "court": "Oslo tingrett",
                "date_filed": LATE,
                "date_next_hearing": LATE + timedelta(days=30),
                "amount_costs": 1250,
            }
        )
        # Legal invoices cannot be referred, nor sent to legal twice.
        with self.assertRaises(ValidationError):
            self.refer(first, send=False)
        with self.assertRaises(UserError):
            self.customer.with_user(self.manager).action_send_to_legal()
        with self.assertRaises(AccessError):
            case.with_user(self.collector).action_won()
        case.with_user(self.manager).action_lost()
        self.assertEqual(case.state, "lost")
        # Never dunned, whatever the case's state.
        self.assertTrue(self.LegalCase._paused_by_legal_case(first, LATE))
        steps_before = len(self.events(first))
        self.run_collections(LATE + timedelta(days=40))
        self.assertEqual(len(self.events(first)), steps_before)
        with self.assertRaises(UserError):
            case.unlink()

    def test_referral_escalated_to_legal(self):
        move = self.invoice(800)
        referral = self.refer(move)
        result = referral.action_send_to_legal()
        case = self.LegalCase.browse(result["res_id"])
        self.assertEqual(referral.state, "recalled")
        self.assertEqual(case.referral_id, referral)
        self.assertEqual(move.collection_stage_id.code, "legal")
        self.assertTrue(self.LegalCase._paused_by_legal_case(move, MONDAY))

    def test_ladder_legal_action(self):
        self.ladder.yaml_source = self.ladder.yaml_source + (
            "  - code: court\n"
            "    day: 90\n"
            "    actions:\n"
            "      - legal: {assign: collections_manager, note: Small claims}\n"
        )
        move = self.invoice(900)
        self.run_collections(MONDAY + timedelta(days=91))  # a Tuesday
        case = self.LegalCase.search([("move_ids", "in", move.ids)])
        self.assertEqual(len(case), 1)
        self.assertEqual(case.user_id, self.manager)
        self.assertEqual(move.collection_stage_id.code, "legal")
        self.assertIn(case.name, self.events(move, step_code="court").result)

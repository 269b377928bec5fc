"""Agency referrals and legal cases: the guards hold for every caller.

Each test tries to get around a rule: a collector (or anyone) writing the state or a
frozen field directly, with or without the context key that once unlocked it;
customer text that a spreadsheet would run as a formula; import files with numbers
that are not numbers, or too large.
"""

import base64
import csv
import io
import zipfile
from datetime import timedelta

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import MONDAY, CollectionsCase

# The context key that used to unlock state changes: it must unlock nothing.
OLD_KEY = {"ar_referral_transition": True}
FORMULA_NAME = '=HYPERLINK("http://x","y")'


@tagged("post_install", "-at_install")
class TestAgencyIntegrity(CollectionsCase):
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
                "email": "cases@nordic.example",
            }
        )
        cls.other_agency = cls.env["res.partner"].create(
            {"name": "Inkasso AB", "is_company": True, "is_collection_agency": True}
        )
        cls.company.ar_default_agency_id = cls.agency

    def invoice(self, amount=1000.0, partner=None):
        return self._make_invoice(partner or self.customer, MONDAY, amount=amount)

    def refer(self, moves, send=True):
        referral = self.Referral.with_user(self.manager).create(
            {
                "partner_id": moves.commercial_partner_id.id,
                "agency_id": self.agency.id,
                "move_ids": [Command.set(moves.ids)],
            }
        )
        if send:
            referral.action_send()
        return referral

    def assert_unchanged(self, referral, state="sent"):
        referral.invalidate_recordset()
        self.assertEqual(referral.state, state)
        self.assertEqual(referral.commission_rate, 10.0)
        self.assertEqual(referral.commission_minimum, 50.0)
        self.assertEqual(referral.agency_id, self.agency)
        self.assertFalse(referral.commission_billed)

    # Referral: state and frozen fields ---

    def test_collector_cannot_close_recall_or_change_a_sent_referral(self):
        move, other = self.invoice(), self.invoice(200)
        referral = self.refer(move)
        for context in ({}, OLD_KEY):
            as_collector = referral.with_user(self.collector).with_context(**context)
            with self.subTest(context=context):
                with self.assertRaises(AccessError):
                    as_collector.action_close_recovered()
                with self.assertRaises(AccessError):
                    as_collector.action_close_returned("Gave up")
                with self.assertRaises(AccessError):
                    as_collector.action_recall("Customer called")
                with self.assertRaises(AccessError):
                    as_collector.action_bill_commission()
                for vals in (
                    {"state": "closed"},
                    {"state": "recalled"},
                    {"close_reason": "recovered"},
                    {"commission_rate": 0.0},
                    {"commission_minimum": 0.0},
                    {"agency_id": self.other_agency.id},
                    {"move_ids": [Command.link(other.id)]},
                    {"commission_billed": 100.0},
                    {"amount_collected_agency": 1000.0},
                    {"date_sent": MONDAY},
                ):
                    with self.assertRaises(UserError, msg=str(vals)):
                        as_collector.write(vals)
                line = as_collector.line_ids
                with self.assertRaises(UserError):
                    line.write({"amount_referred": 1.0})
                with self.assertRaises(UserError):
                    line.write({"frozen": True, "residual_frozen": 0.0})
                with self.assertRaises(UserError):
                    line.unlink()
                with self.assertRaises(UserError):
                    self.env["ar.agency.referral.line"].with_user(
                        self.collector
                    ).with_context(**context).create(
                        {"referral_id": referral.id, "move_id": other.id}
                    )
                # Nor forge the agency's timeline, nor skip the update's checks.
                with self.assertRaises(UserError):
                    self.env["ar.agency.referral.update"].with_user(
                        self.collector
                    ).with_context(**context).create(
                        {"referral_id": referral.id, "status": "recovered"}
                    )
                with self.assertRaises(UserError):
                    as_collector._apply_agency_update("collecting", 5000.0)
        self.assert_unchanged(referral)
        self.assertEqual(referral.move_ids, move)
        self.assertEqual(referral.line_ids.amount_referred, 1000.0)
        self.assertFalse(referral.update_ids)

    def test_nobody_writes_the_state_directly(self):
        """Not a manager, not sudo(): the state moves only through the actions."""
        referral = self.refer(self.invoice())
        for records in (
            referral.with_user(self.manager),
            referral.with_user(self.manager).with_context(**OLD_KEY),
            referral.sudo().with_context(**OLD_KEY),
        ):
            with self.assertRaises(UserError):
                records.write({"state": "closed"})
            with self.assertRaises(UserError):
                records.write({"commission_rate": 1.0})
        self.assert_unchanged(referral)

    def test_create_starts_as_a_draft(self):
        move = self.invoice()
        Referral = self.Referral.with_user(self.collector)
        with self.assertRaises(UserError):
            Referral.create(
                {
                    "partner_id": self.customer.id,
                    "agency_id": self.agency.id,
                    "move_ids": [Command.set(move.ids)],
                    "state": "sent",
                }
            )
        referral = Referral.with_context(
            default_state="closed", default_commission_billed=500.0, **OLD_KEY
        ).create(
            {
                "partner_id": self.customer.id,
                "agency_id": self.agency.id,
                "move_ids": [Command.set(move.ids)],
            }
        )
        self.assertEqual(referral.state, "draft")
        self.assertFalse(referral.commission_billed)
        # A draft is the collector's to edit; sending is a manager's.
        referral.write({"commission_rate": 12.0, "note": "Call first"})
        self.assertEqual(referral.commission_rate, 12.0)
        with self.assertRaises(AccessError):
            referral.action_send()

    def test_manager_through_the_actions(self):
        first, second, third = self.invoice(300), self.invoice(700), self.invoice(500)
        closing, recalling = self.refer(first), self.refer(second)
        closing.with_user(self.manager).action_close_recovered()
        self.assertEqual(closing.state, "closed")
        self.assertTrue(closing.line_ids.frozen)
        recalling.with_user(self.manager).action_recall("Wrong agency")
        self.assertEqual(recalling.state, "recalled")
        self.assertEqual(recalling.recall_reason, "Wrong agency")
        self.assertTrue(recalling.line_ids.frozen)
        # Agency updates, recorded by a collector, move the state through the model.
        third = self.refer(third)
        third.with_user(self.collector)._apply_agency_update("collecting", 100.0)
        self.assertEqual(third.state, "collecting")
        self.assertEqual(third.amount_collected_agency, 100.0)

    # Legal cases ---

    def test_collector_cannot_open_or_close_a_legal_case(self):
        move = self.invoice()
        vals = {
            "partner_id": self.customer.id,
            "move_ids": [Command.set(move.ids)],
            "user_id": self.collector.id,
        }
        with self.assertRaises(AccessError):
            self.LegalCase.with_user(self.collector).with_context(**OLD_KEY).create(
                vals
            )
        with self.assertRaises(AccessError) as caught:
            self.LegalCase.with_user(self.collector).create(vals)
        self.assertIn(
            "Only a collections manager can open a legal case", str(caught.exception)
        )
        self.assertFalse(self.LegalCase.search([("move_ids", "in", move.ids)]))
        case = self.LegalCase.with_user(self.manager).create(vals)
        self.assertEqual(case.state, "open")
        as_collector = case.with_user(self.collector)
        for context in ({}, OLD_KEY):
            with self.subTest(context=context):
                with self.assertRaises(AccessError) as caught:
                    as_collector.with_context(**context).write({"state": "closed"})
                self.assertIn("change state of a legal case", str(caught.exception))
                with self.assertRaises(AccessError):
                    as_collector.with_context(**context).write(
                        {"move_ids": [Command.clear()]}
                    )
                with self.assertRaises(AccessError):
                    as_collector.with_context(**context).action_close()
        # Following the case up is a collector's work.
        as_collector.write({"court": "Oslo tingrett", "claim_reference": "T-1"})
        self.assertEqual(case.court, "Oslo tingrett")
        # A manager too changes the state only through the actions.
        with self.assertRaises(UserError):
            case.with_user(self.manager).write({"state": "won"})
        with self.assertRaises(UserError):
            case.sudo().write({"state": "won"})
        self.assertEqual(case.state, "open")
        self.assertEqual(case.move_ids, move)
        case.with_user(self.manager).action_won()
        self.assertEqual(case.state, "won")
        # Whatever the state and the run's date, the invoice stays out of the ladder.
        self.assertEqual(
            self.LegalCase._ar_pauses(move, MONDAY),
            {move.id: [(None, None)]},
        )

    def test_collectors_are_offered_no_new_legal_case(self):
        """Opening a case is a manager's: the collector's list and form have no
        New button (no create right), the manager's do."""
        for user, offered in ((self.collector, False), (self.manager, True)):
            views = self.LegalCase.with_user(user).get_views(
                [(False, "list"), (False, "form")]
            )["views"]
            for view_type, view in views.items():
                with self.subTest(user=user.login, view=view_type):
                    root = etree.fromstring(view["arch"])
                    self.assertEqual(root.get("create") != "False", offered)

    def test_ladder_legal_action_still_runs(self):
        self.ladder.yaml_source = self.ladder.yaml_source + (
            "  - code: court\n"
            "    day: 90\n"
            "    actions:\n"
            "      - legal: {assign: collections_manager, note: Small claims}\n"
        )
        move = self.invoice(900)
        self.Ladder.with_user(self.manager).run_collections(
            today=MONDAY + timedelta(days=91)
        )
        case = self.LegalCase.search([("move_ids", "in", move.ids)])
        self.assertEqual(len(case), 1)
        self.assertEqual(case.state, "open")
        self.assertEqual(move.collection_stage_id.code, "legal")

    # Mixin: customer from the invoices ---

    def test_cases_take_their_customer_from_the_invoices(self):
        contact = self.env["res.partner"].create(
            {"name": "Ola Accounts", "parent_id": self.customer.id, "type": "invoice"}
        )
        move = self.invoice(400, partner=contact)
        referral = self.Referral.with_user(self.collector).create(
            {"agency_id": self.agency.id, "move_ids": [Command.set(move.ids)]}
        )
        self.assertEqual(referral.partner_id, self.customer)
        self.assertEqual(referral.company_id, self.company)
        self.assertEqual(referral.line_ids.move_id, move)
        self.assertNotEqual(referral.name, "/")
        referral.unlink()
        case = self.LegalCase.with_user(self.manager).create(
            {"move_ids": [Command.set(move.ids)]}
        )
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(case.company_id, self.company)
        self.assertNotEqual(case.name, "/")
        with self.assertRaises(UserError):
            case.unlink()
        # The referral's pause: from sending, open-ended, no shift of the ladder.
        self.assertFalse(self.Referral._ar_pause_shifts_ladder)
        self.assertFalse(self.LegalCase._ar_pause_shifts_ladder)

    def test_referral_pause_from_sending_until_recall(self):
        move = self.invoice()
        referral = self.refer(move)
        self.assertEqual(
            self.Referral._ar_pauses(move, MONDAY),
            {move.id: [(referral.date_sent, None)]},
        )
        self.assertEqual(
            self.Referral._paused_by_referral(move, MONDAY), {move.id: None}
        )
        referral.action_recall("Back to us")
        self.assertEqual(self.Referral._ar_pauses(move, MONDAY), {})
        self.assertEqual(self.Referral._paused_by_referral(move, MONDAY), {})


@tagged("post_install", "-at_install")
class TestAgencyCaseFileSafety(CollectionsCase):
    """Customer text in the case file is text, never a formula."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agency = cls.env["res.partner"].create(
            {
                "name": "Nordic Collect AS",
                "is_company": True,
                "is_collection_agency": True,
                "email": "cases@nordic.example",
            }
        )
        cls.customer.write({"name": FORMULA_NAME, "phone": "+47 22 00 00 00"})
        cls.env["res.partner"].create(
            {
                "name": "-2+3",
                "parent_id": cls.customer.id,
                "type": "invoice",
                "email": "\tx@acme.example",
            }
        )

    def test_csv_and_xlsx_cells_are_text(self):
        move = self._make_invoice(self.customer, MONDAY, amount=300)
        move.ref = "@SUM(1)"
        referral = self.env["ar.agency.referral"].create(
            {
                "partner_id": self.customer.id,
                "agency_id": self.agency.id,
                "move_ids": [Command.set(move.ids)],
            }
        )
        data = referral._case_file_data()
        invoices_csv, history_csv = referral._case_file_csv(data)
        rows = list(csv.DictReader(io.StringIO(invoices_csv)))
        self.assertEqual(rows[0]["debtor_name"], "'" + FORMULA_NAME)
        self.assertEqual(rows[0]["reference"], "'@SUM(1)")
        self.assertEqual(rows[0]["phone"], "'+47 22 00 00 00")
        # Numbers stay numbers.
        self.assertEqual(float(rows[0]["amount_residual"]), 300.0)
        for row in csv.reader(io.StringIO(invoices_csv + history_csv)):
            for cell in row:
                self.assertFalse(
                    cell.startswith(("=", "+", "@", "\t", "\r")), f"unsafe {cell!r}"
                )
        xlsx = referral._case_file_xlsx(data)
        with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
            sheets = [
                book.read(name).decode()
                for name in book.namelist()
                if name.startswith("xl/worksheets/sheet")
            ]
        self.assertTrue(sheets)
        for sheet in sheets:
            self.assertNotIn("<f>", sheet)
            self.assertNotIn("<f ", sheet)
        try:
            import openpyxl
        except ImportError:
            return
        workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
        debtor = {
            row[0].value: row[1] for row in workbook["Debtor"].iter_rows(min_row=2)
        }
        self.assertEqual(debtor["Legal name"].value, FORMULA_NAME)
        self.assertEqual(debtor["Legal name"].data_type, "s")
        contact = next(c for k, c in debtor.items() if k.startswith("Contact:"))
        self.assertEqual(contact.data_type, "s")
        self.assertTrue(contact.value.startswith("-2+3"))
        invoice = next(workbook["Invoices"].iter_rows(min_row=2))
        self.assertEqual(invoice[1].value, "@SUM(1)")
        self.assertEqual(invoice[1].data_type, "s")
        self.assertEqual(invoice[7].data_type, "n")


@tagged("post_install", "-at_install")
class TestAgencyImportLimits(CollectionsCase):
    """The update import reports bad numbers and oversized files, changes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        agency = cls.env["res.partner"].create(
            {
                "name": "Nordic Collect AS",
                "is_company": True,
                "is_collection_agency": True,
                "email": "cases@nordic.example",
            }
        )
        moves = cls._make_invoice(cls.customer, MONDAY, amount=1000)
        cls.referral = cls.env["ar.agency.referral"].create(
            {
                "partner_id": cls.customer.id,
                "agency_id": agency.id,
                "move_ids": [Command.set(moves.ids)],
            }
        )
        cls.referral.action_send()

    def _import(self, text):
        wizard = (
            self.env["ar.agency.import.wizard"]
            .with_user(self.collector)
            .create({"file": base64.b64encode(text.encode()), "filename": "u.csv"})
        )
        return wizard.action_import()

    def assert_nothing_changed(self):
        self.referral.invalidate_recordset()
        self.assertEqual(self.referral.state, "sent")
        self.assertEqual(self.referral.amount_collected_agency, 0)
        self.assertFalse(self.referral.update_ids)

    def test_non_finite_amounts_listed_row_by_row(self):
        name = self.referral.name
        text = "case_reference,status,amount_collected\n" + "".join(
            f"{name},collecting,{amount}\n"
            for amount in ("nan", "inf", "-inf", "1e309", "NaN")
        )
        with self.assertRaises(UserError) as caught:
            self._import(text)
        message = str(caught.exception)
        self.assertIn("Nothing was imported", message)
        for line, amount in enumerate(("nan", "inf", "-inf", "1e309"), start=2):
            self.assertIn(
                f"Line {line} ({name}): amount '{amount}' is not a finite number",
                message,
            )
        self.assert_nothing_changed()
        # The model refuses it too, whoever calls it (e.g. the manual wizard).
        problems = self.env["ar.agency.referral"]._validate_agency_update(
            self.referral, "collecting", float("nan")
        )
        self.assertTrue(problems)

    def test_oversized_file_refused(self):
        name = self.referral.name
        row = f"{name},collecting,10,{'x' * 1000}\n"
        text = "case_reference,status,amount_collected,note\n" + row * 2200
        with self.assertRaises(UserError) as caught:
            self._import(text)
        self.assertIn("at most 2 MB", str(caught.exception))
        self.assert_nothing_changed()
        text = "case_reference,status,amount_collected\n" + "x,collecting,1\n" * 10001
        with self.assertRaises(UserError) as caught:
            self._import(text)
        self.assertIn("more than 10000 rows", str(caught.exception))
        self.assert_nothing_changed()

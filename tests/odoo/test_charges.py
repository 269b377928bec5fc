"""Late-payment fees and interest through the run: hand-computed figures, the
rules around them, idempotency and a crash mid-run."""

import json
from datetime import date, timedelta
from decimal import Decimal

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CollectionsCase

LADDER = """\
version: 1
code: standard_b2b
name: Charges
min_days_between_steps: 1
{interest}
steps:
{steps}
"""


def step(code, day, *actions, stage="overdue"):
    lines = [f"  - code: {code}", f"    day: {day}", f"    stage: {stage}"]
    lines.append("    actions:")
    lines.extend(f"      - {action}" for action in actions)
    return "\n".join(lines)


EMAIL = "email: {template: ar_collections.mail_template_first_notice}"


class ChargesCase(CollectionsCase):
    """A company whose ladder charges fees and interest, with reference rates
    chosen for the hand computations (not the shipped figures)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR", rates=[("2000-01-01", 0.5)])
        cls.sek = cls.setup_other_currency("SEK", rates=[("2000-01-01", 5.5)])
        cls.nok = cls.setup_other_currency("NOK", rates=[("2000-01-01", 5.0)])
        Rate = cls.env["ar.reference.rate"]
        Rate.search([]).unlink()
        for index, date_from, rate in (
            ("ecb_mro", "2025-07-01", 4.5),
            ("ecb_mro", "2026-01-01", 4.0),
            ("riksbank_ref", "2025-07-01", 2.0),
            ("riksbank_ref", "2026-01-01", 1.75),
            ("no_late_interest", "2025-07-01", 12.0),
            ("no_late_interest", "2026-01-01", 12.25),
        ):
            Rate.create({"index": index, "date_from": date_from, "rate": rate})
        cls.company.ar_charge_waiver_limit = 50.0

    def set_ladder(self, *steps, interest="interest: {preset: eu_late_payment}"):
        self.ladder.yaml_source = LADDER.format(
            interest=interest, steps="\n".join(steps)
        )

    def invoice(self, due, amount, currency=None, partner=None):
        return self._make_invoice(
            partner or self.customer, due, amount=amount, currency=currency or self.eur
        )

    def pay_on(self, move, amount, day):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"amount": amount, "payment_date": day})
        )
        wizard._create_payments()

    def charges(self, moves, **domain):
        search = [("move_id", "in", moves.ids)] + [
            (key, "=", value) for key, value in domain.items()
        ]
        return self.env["ar.collection.charge"].search(search, order="id")

    def charge_documents(self, partner=None):
        return self.env["account.move"].search(
            [
                ("ar_is_charge", "=", True),
                ("move_type", "=", "out_invoice"),
                ("commercial_partner_id", "=", (partner or self.customer).id),
            ],
            order="id",
        )


@tagged("post_install", "-at_install")
class TestCharges(ChargesCase):
    # Hand-computed interest ----------------------------------------------------------

    def test_interest_across_a_rate_change_with_two_partial_payments(self):
        """EUR 1,000.00 due 23 Dec 2025; EUR 400 paid 31 Dec, EUR 200 paid 20 Jan;
        charged on 1 Feb 2026 (day 40) at ECB + 8 (12.50 % to 31 Dec, 12.00 %
        from 1 Jan):
          24-31 Dec:  8 days x 1,000.00 x 12.50 % / 365 = 2.739726...
          1-20 Jan:  20 days x   600.00 x 12.00 % / 365 = 3.945205...
          21 Jan-1 Feb: 12 days x 400.00 x 12.00 % / 365 = 1.578082...
          total 301,600 / 36,500 = 8.263013... -> EUR 8.26"""
        self.set_ladder(step("interest", 40, "charge_interest: {}"))
        invoice = self.invoice(date(2025, 12, 23), 1000.0)
        self.pay_on(invoice, 400.0, date(2025, 12, 31))
        self.pay_on(invoice, 200.0, date(2026, 1, 20))
        result = self.run_collections(date(2026, 2, 1))
        self.assertEqual(result.get("interest_charges"), 1)
        charge = self.charges(invoice)
        self.assertEqual(len(charge), 1)
        self.assertEqual(charge.kind, "interest")
        self.assertEqual(charge.amount, 8.26)
        self.assertEqual(charge.currency_id, self.eur)
        self.assertEqual(charge.date_from, date(2025, 12, 24))
        self.assertEqual(charge.date_to, date(2026, 2, 1))
        self.assertEqual(
            charge.basis,
            "8 days at 12.50 % on 1,000.00\xa0€; 20 days at 12.00 % on 600.00\xa0€; "
            "12 days at 12.00 % on 400.00\xa0€",
        )
        self.assertIn("2011/7/EU", charge.legal_reference)
        snapshot = json.loads(charge.snapshot)
        self.assertEqual(snapshot["amount"], "8.26")
        self.assertEqual(
            [(p["days"], p["annual_rate"]) for p in snapshot["periods"]],
            [(8, "12.5"), (20, "12.0"), (12, "12.0")],
        )
        # Posted as an open receivable of its own, without tax, in EUR.
        document = charge.charge_move_id
        self.assertEqual(document.move_type, "out_invoice")
        self.assertEqual(document.state, "posted")
        self.assertTrue(document.ar_is_charge)
        self.assertEqual(document.currency_id, self.eur)
        self.assertEqual(document.amount_total, 8.26)
        self.assertFalse(document.invoice_line_ids.tax_ids)
        self.assertEqual(document.payment_state, "not_paid")
        self.assertEqual(
            document.invoice_line_ids.product_id,
            self.env.ref("ar_collections.product_late_payment_interest"),
        )
        # The event keeps the computation and points from the charge.
        event = self.events(invoice, step_code="interest", state="done")
        self.assertEqual(charge.event_id, event)
        self.assertIn("8 days at 12.50 %", event.result)
        self.assertIn(document.name, event.result)

    def test_interest_periods_follow_each_other_and_stay_when_paid(self):
        """Two interest steps: the second starts the day after the first ended;
        paying the principal leaves the interest document open."""
        self.set_ladder(
            step("first", 7, "charge_interest: {}"),
            step("second", 40, "charge_interest: {}"),
        )
        invoice = self.invoice(date(2025, 12, 23), 1000.0)
        self.run_collections(date(2025, 12, 30))
        # 24-30 Dec: 7 x 1,000 x 12.5 % / 365 = 2.397260... -> 2.40
        first = self.charges(invoice)
        self.assertEqual(
            (first.date_from, first.date_to, first.amount),
            (date(2025, 12, 24), date(2025, 12, 30), 2.40),
        )
        self.run_collections(date(2026, 2, 1))
        second = self.charges(invoice) - first
        # 31 Dec: 1 x 1,000 x 12.5 % / 365 = 0.342465...; 1 Jan-1 Feb: 32 x 1,000
        # x 12 % / 365 = 10.520547... -> 10.863013... -> 10.86
        self.assertEqual(
            (second.date_from, second.date_to, second.amount),
            (date(2025, 12, 31), date(2026, 2, 1), 10.86),
        )
        self.pay_on(invoice, 1000.0, date(2026, 2, 2))
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(
            self.charge_documents().mapped("payment_state"), ["not_paid", "not_paid"]
        )
        self.assertEqual(sum(self.charge_documents().mapped("amount_residual")), 13.26)

    def test_overlapping_interest_is_refused_by_the_database(self):
        self.set_ladder(step("first", 7, "charge_interest: {}"))
        invoice = self.invoice(date(2025, 12, 23), 1000.0)
        self.run_collections(date(2025, 12, 30))
        charge = self.charges(invoice)
        Charge = self.env["ar.collection.charge"]
        vals = {
            "move_id": invoice.id,
            "partner_id": self.customer.id,
            "company_id": self.company.id,
            "kind": "interest",
            "amount": 1.0,
            "currency_id": self.eur.id,
            "date": date(2025, 12, 31),
            "date_from": date(2025, 12, 28),
            "date_to": date(2025, 12, 31),
        }
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Charge._ar_create_charges([vals])
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            Charge._ar_create_charges(
                [dict(vals, date_from=charge.date_from, date_to=date(2026, 1, 5))]
            )

    def test_no_interest_on_charge_documents(self):
        self.set_ladder(
            step("first", 7, "fee: {preset: eu_compensation}"),
            step("second", 40, "charge_interest: {}"),
        )
        invoice = self.invoice(date(2025, 12, 23), 1000.0)
        self.run_collections(date(2025, 12, 30))
        document = self.charge_documents()
        self.assertEqual(document.amount_total, 40.0)
        # The fee document is due on 30 Dec and climbs the ladder too, but is
        # charged nothing.
        self.run_collections(date(2026, 2, 8))
        self.assertFalse(self.charges(document))
        self.assertTrue(self.charges(invoice, kind="interest"))
        event = self.events(document, step_code="second")
        self.assertIn("no interest on a charge document", event.result)

    def test_missing_rate_skips_the_interest_and_says_so(self):
        self.env["ar.reference.rate"].search(
            [("index", "=", "ecb_mro"), ("date_from", "=", "2026-01-01")]
        ).unlink()
        self.set_ladder(step("interest", 40, "charge_interest: {}"))
        invoice = self.invoice(date(2025, 12, 23), 1000.0)
        with mute_logger(
            "odoo.addons.ar_collections.models.ar_collection_charge_run",
            "odoo.addons.ar_collections.models.ar_collection_charge_compute",
        ):
            self.run_collections(date(2026, 2, 1))
        self.assertFalse(self.charges(invoice))
        event = self.events(invoice, step_code="interest")
        self.assertIn("no ECB main refinancing operations rate", event.result)
        log_domain = [
            ("model", "=", "ar.dunning.ladder"),
            ("res_id", "=", self.ladder.id),
            ("body", "ilike", "no ECB main refinancing operations rate"),
        ]
        log = self.env["mail.message"].search(log_domain)
        self.assertEqual(len(log), 1, "said on the ladder")
        # A second invoice the same day: said once a day, not once per batch.
        other = self._make_customer("Other Corp", "other@example.com")
        self.invoice(date(2025, 12, 23), 500.0, partner=other)
        with mute_logger(
            "odoo.addons.ar_collections.models.ar_collection_charge_run",
            "odoo.addons.ar_collections.models.ar_collection_charge_compute",
        ):
            self.run_collections(date(2026, 2, 1))
        self.assertEqual(len(log.search(log_domain)), 1)

    # Fees ----------------------------------------------------------------------------

    def test_eu_compensation_once_per_invoice_and_shown_on_the_notice(self):
        self.set_ladder(
            step("first", 7, "fee: {preset: eu_compensation}", EMAIL),
            step("second", 20, "fee: {preset: eu_compensation}", EMAIL),
        )
        invoice = self.invoice(date(2025, 12, 23), 1000.0)
        self.run_collections(date(2025, 12, 30))
        fee = self.charges(invoice)
        self.assertEqual(
            (fee.kind, fee.fee_code, fee.amount), ("fee", "eu_compensation", 40.0)
        )
        self.assertEqual(fee.currency_id, self.eur)
        self.assertTrue(fee.once_per_invoice)
        # The step's notice, sent after the fee was posted, shows it.
        notice = self.env["ar.collection.notice"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(notice), 1)
        lines = notice._ar_notice_charges()
        self.assertEqual(len(lines), 1)
        self.assertEqual(lines[0]["amount"], 40.0)
        self.assertEqual(lines[0]["currency"], self.eur)
        self.assertIn("2011/7/EU", lines[0]["legal_reference"])
        self.assertIn("€", lines[0]["basis"])
        # Once per invoice, however many reminders.
        self.run_collections(date(2026, 1, 12))
        self.assertEqual(self.charges(invoice), fee)
        event = self.events(invoice, step_code="second", action_kind="fee")
        self.assertIn("charged once per invoice", event.result)
        # The next notice lists the fee document and still shows the fee, once.
        second = (
            self.env["ar.collection.notice"].search(
                [("partner_id", "=", self.customer.id)]
            )
            - notice
        )
        self.assertIn(fee.charge_move_id, second.move_ids)
        self.assertEqual(
            [line["amount"] for line in second._ar_notice_charges()], [40.0]
        )

    def test_multi_currency_fee_converted_at_the_run_date(self):
        """EUR 40 on a SEK invoice: 1 USD = 0.5 EUR = 5.5 SEK, so EUR 40 = SEK
        440.00; interest at the Riksbank rate + 8 (2.00 + 8 = 10.00 % in the
        second half of 2025) on SEK 10,000.00 for 24-30 Dec: 7 x 10,000 x 10 % /
        365 = 19.178... -> SEK 19.18; both in one SEK document of 459.18."""
        self.set_ladder(
            step("first", 7, "fee: {preset: eu_compensation}", "charge_interest: {}"),
            interest="interest: {preset: se}",
        )
        invoice = self.invoice(date(2025, 12, 23), 10000.0, currency=self.sek)
        self.run_collections(date(2025, 12, 30))
        fee = self.charges(invoice, kind="fee")
        interest = self.charges(invoice, kind="interest")
        self.assertEqual((fee.amount, fee.currency_id), (440.0, self.sek))
        self.assertIn("= 440.00", fee.basis)
        self.assertEqual((interest.amount, interest.currency_id), (19.18, self.sek))
        document = self.charge_documents()
        self.assertEqual(len(document), 1, "one document per customer and currency")
        self.assertEqual(fee.charge_move_id, document)
        self.assertEqual(interest.charge_move_id, document)
        self.assertEqual(document.currency_id, self.sek)
        self.assertEqual(document.amount_total, 459.18)

    def test_norwegian_reminder_fee_capped_at_two_and_not_before_14_days(self):
        self.set_ladder(
            step("early", 10, "fee: {preset: no_reminder_fee}"),
            step("first", 15, "fee: {preset: no_reminder_fee}"),
            step("second", 30, "fee: {preset: no_reminder_fee}"),
            step("third", 45, "fee: {preset: no_reminder_fee}"),
            interest='interest: {preset: "no"}',
        )
        invoice = self.invoice(date(2026, 1, 5), 2000.0, currency=self.nok)
        for day in (10, 15, 30, 45):
            self.run_collections(date(2026, 1, 5) + timedelta(days=day))
        fees = self.charges(invoice)
        self.assertEqual(fees.mapped("step_code"), ["first", "second"])
        self.assertEqual(fees.mapped("amount"), [35.0, 35.0])
        self.assertEqual(fees.currency_id, self.nok)
        self.assertIn(
            "not before 14 days", self.events(invoice, step_code="early").result
        )
        self.assertIn("at most 2 times", self.events(invoice, step_code="third").result)

    def test_swedish_reminder_fee_only_when_agreed(self):
        self.set_ladder(
            step("reminder", 7, "fee: {preset: se_reminder_fee}"),
            interest="interest: {preset: se}",
        )
        not_agreed = self.invoice(date(2026, 1, 5), 1000.0, currency=self.sek)
        agreed_customer = self._make_customer(
            "Agreed AB", "agreed@example.com", ar_reminder_fee_agreed=True
        )
        agreed = self.invoice(
            date(2026, 1, 5), 1000.0, currency=self.sek, partner=agreed_customer
        )
        terms = self.env["account.payment.term"].create(
            {
                "name": "Immediate, reminder fee agreed",
                "ar_reminder_fee_agreed": True,
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100, "nb_days": 0}
                    )
                ],
            }
        )
        by_terms_customer = self._make_customer("Terms AB", "terms@example.com")
        by_terms = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": by_terms_customer.id,
                "invoice_date": date(2026, 1, 5),
                "invoice_payment_term_id": terms.id,
                "currency_id": self.sek.id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Goods", "price_unit": 1000.0, "tax_ids": []}
                    )
                ],
            }
        )
        by_terms.action_post()
        self.assertEqual(by_terms.invoice_date_due, date(2026, 1, 5))
        self.run_collections(date(2026, 1, 12))
        self.assertFalse(self.charges(not_agreed))
        self.assertIn(
            "due only when agreed",
            self.events(not_agreed, step_code="reminder").result,
        )
        self.assertEqual(self.charges(agreed).amount, 60.0)
        self.assertEqual(self.charges(agreed).currency_id, self.sek)
        self.assertEqual(self.charges(by_terms).amount, 60.0)

    def test_consumer_owes_no_b2b_compensation_nor_b2b_interest(self):
        self.set_ladder(
            step("first", 7, "fee: {preset: eu_compensation}", "charge_interest: {}"),
        )
        consumer = self._make_customer("Jane Doe", "jane@example.com", is_company=False)
        invoice = self.invoice(date(2025, 12, 23), 1000.0, partner=consumer)
        business = self.invoice(date(2025, 12, 23), 1000.0)
        self.run_collections(date(2025, 12, 30))
        self.assertFalse(self.charges(invoice))
        self.assertFalse(self.charge_documents(consumer))
        results = self.events(invoice, step_code="first").mapped("result")
        self.assertTrue(any("individual" in result for result in results))
        self.assertEqual(len(self.charges(business)), 2)

    def test_custom_fee_for_consumers_when_the_ladder_says_so(self):
        self.set_ladder(
            step("first", 7, "fee: {amount: 5, currency: EUR}"),
        )
        consumer = self._make_customer("Jane Doe", "jane@example.com", is_company=False)
        invoice = self.invoice(date(2025, 12, 23), 1000.0, partner=consumer)
        self.run_collections(date(2025, 12, 30))
        self.assertEqual(self.charges(invoice).amount, 5.0)

    # Idempotency, crash, preview ----------------------------------------------------

    def test_running_twice_charges_nothing_twice(self):
        self.set_ladder(
            step("first", 7, "fee: {preset: eu_compensation}", "charge_interest: {}"),
        )
        invoice = self.invoice(date(2025, 12, 23), 1000.0)
        self.run_collections(date(2025, 12, 30))
        charges = self.charges(invoice)
        documents = self.charge_documents()
        self.assertEqual(len(charges), 2)
        result = self.run_collections(date(2025, 12, 30))
        self.assertFalse(result.get("fees"))
        self.run_collections(date(2025, 12, 31))
        self.assertEqual(self.charges(invoice), charges)
        self.assertEqual(self.charge_documents(), documents)

    def test_the_same_fee_at_the_same_step_is_refused_by_the_database(self):
        self.set_ladder(step("first", 7, "fee: {preset: eu_compensation}"))
        invoice = self.invoice(date(2025, 12, 23), 1000.0)
        self.run_collections(date(2025, 12, 30))
        fee = self.charges(invoice)
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env["ar.collection.charge"]._ar_create_charges(
                [
                    {
                        "move_id": invoice.id,
                        "partner_id": self.customer.id,
                        "company_id": self.company.id,
                        "kind": "fee",
                        "fee_code": fee.fee_code,
                        "step_code": "other",
                        "once_per_invoice": True,
                        "amount": 40.0,
                        "currency_id": self.eur.id,
                        "date": date(2025, 12, 31),
                    }
                ]
            )

    def test_crash_after_posting_leaves_no_half_posted_fee(self):
        """The events are written after the charges are posted; refusing them in
        PostgreSQL fails the batch, which takes the documents and charges with
        it. The next run charges once."""
        self.set_ladder(
            step("first", 7, "fee: {preset: eu_compensation}", "charge_interest: {}"),
        )
        invoice = self.invoice(date(2025, 12, 23), 1000.0)
        self.env.cr.execute(f"""
            CREATE FUNCTION ar_test_refuse_event() RETURNS trigger AS $$
            BEGIN
                IF NEW.partner_id = {int(self.customer.id)} THEN
                    RAISE EXCEPTION 'test: event refused';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER ar_test_refuse_event BEFORE INSERT ON ar_collection_event
                FOR EACH ROW EXECUTE FUNCTION ar_test_refuse_event();
        """)  # fmt: skip
        with mute_logger(
            "odoo.sql_db", "odoo.addons.ar_collections.models.ar_collection_run"
        ):
            result = self.run_collections(date(2025, 12, 30))
        self.assertEqual(result["batches_failed"], 1, result)
        self.env.invalidate_all()
        self.assertFalse(self.charges(invoice))
        self.assertFalse(self.charge_documents())
        self.assertFalse(
            self.env["account.move"].search_count([("ar_is_charge", "=", True)])
        )
        self.env.cr.execute(
            "DROP TRIGGER ar_test_refuse_event ON ar_collection_event;"
            "DROP FUNCTION ar_test_refuse_event();"
        )
        self.run_collections(date(2025, 12, 30))
        self.assertEqual(len(self.charges(invoice)), 2)
        self.assertEqual(len(self.charge_documents()), 1)

    def test_dry_run_and_preview_show_the_charges_and_change_nothing(self):
        self.set_ladder(
            step("first", 7, "fee: {preset: eu_compensation}", "charge_interest: {}"),
        )
        invoice = self.invoice(date(2025, 12, 23), 1000.0)
        result = self.run_collections(date(2025, 12, 30), dry_run=True)
        charges = [p for p in result["proposals"] if p["type"] == "charge"]
        self.assertEqual(
            sorted((p["kind"], p["amount"]) for p in charges),
            [("fee", 40.0), ("interest", 2.40)],
        )
        self.assertEqual({p["move_id"] for p in charges}, {invoice.id})
        preview = self.env["ar.dunning.preview"].create(
            {"ladder_id": self.ladder.id, "date": date(2025, 12, 30)}
        )
        preview.action_compute()
        self.assertEqual(
            sorted(preview.charge_line_ids.mapped("charge_amount")), [2.40, 40.0]
        )
        self.assertEqual(preview.charge_line_ids.charge_currency_id, self.eur)
        self.assertIn(
            "7 days at 12.50 %",
            preview.charge_line_ids.filtered(lambda l: l.kind == "interest").detail,
        )
        self.assertFalse(self.charges(invoice))
        self.assertFalse(self.charge_documents())

    # Guards --------------------------------------------------------------------------

    def test_charges_and_charge_flag_are_the_run_s_only(self):
        self.set_ladder(step("first", 7, "fee: {preset: eu_compensation}"))
        invoice = self.invoice(date(2025, 12, 23), 1000.0)
        vals = {
            "move_id": invoice.id,
            "partner_id": self.customer.id,
            "company_id": self.company.id,
            "kind": "fee",
            "fee_code": "eu_compensation",
            "amount": 40.0,
            "currency_id": self.eur.id,
            "date": date(2025, 12, 30),
        }
        Charge = self.env["ar.collection.charge"]
        for env in (self.env, Charge.sudo().env):
            with self.assertRaisesRegex(UserError, "created by the collections run"):
                env["ar.collection.charge"].create(vals)
            with self.assertRaisesRegex(UserError, "Only the collections run"):
                env["account.move"].browse(invoice.id).write({"ar_is_charge": True})
        # An accountant cannot pass a credit hold by marking an invoice a charge.
        with self.assertRaisesRegex(UserError, "Only the collections run"):
            self._make_invoice(self.customer, date(2026, 1, 5)).copy(
                {"ar_is_charge": True}
            )
        self.run_collections(date(2025, 12, 30))
        fee = self.charges(invoice)
        for env in (self.env, fee.sudo().env):
            with self.assertRaises(UserError):
                env["ar.collection.charge"].browse(fee.id).write({"amount": 1.0})
            with self.assertRaises(UserError):
                env["ar.collection.charge"].browse(fee.id).unlink()
        self.assertEqual(fee.amount, 40.0)

    def test_charge_document_passes_a_credit_hold(self):
        self.set_ladder(step("first", 7, "fee: {preset: eu_compensation}"))
        invoice = self.invoice(date(2025, 12, 23), 1000.0)
        self.customer.action_credit_hold("Test hold")
        self.assertTrue(self.customer.credit_hold)
        self.run_collections(date(2025, 12, 30))
        self.assertEqual(self.charges(invoice).amount, 40.0)
        self.assertEqual(self.charge_documents().state, "posted")

    def test_amounts_are_decimal_exact(self):
        """The residual timeline is read in Decimal from the database."""
        Charge = self.env["ar.collection.charge"]
        invoice = self.invoice(date(2025, 12, 23), 1000.10)
        self.pay_on(invoice, 0.30, date(2025, 12, 31))
        self.pay_on(invoice, 0.70, date(2026, 1, 2))
        timeline = Charge._ar_residual_timelines(invoice)[invoice.id]
        self.assertEqual(
            [amount for _day, amount in timeline],
            [Decimal("1000.1"), Decimal("999.8"), Decimal("999.1")],
        )
        self.assertEqual(
            [day for day, _amount in timeline][1:],
            [date(2025, 12, 31), date(2026, 1, 2)],
        )

"""Reference rates for late-payment interest: shipped data with sources, who may
change them, their half-year rule, and what the pure arithmetic reads from them."""

from datetime import date
from decimal import Decimal

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.ar_collections.ladder.interest import (
    RatePeriod,
    accrue_interest,
    half_year_start,
)

INDEXES = ["ecb_mro", "riksbank_ref", "no_late_interest"]


@tagged("post_install", "-at_install")
class TestReferenceRate(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rate = cls.env["ar.reference.rate"]
        cls.collector = new_test_user(
            cls.env,
            login="rate_collector",
            groups="ar_collections.group_collections_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="rate_manager",
            groups="ar_collections.group_collections_manager",
        )

    def test_shipped_rates_have_their_source(self):
        rates = self.Rate.search([])
        self.assertTrue(rates)
        self.assertTrue(all(rate.source_url.startswith("https://") for rate in rates))
        shipped = {(r.index, r.date_from): r.rate for r in rates}
        self.assertEqual(shipped[("ecb_mro", date(2024, 1, 1))], 4.5)
        self.assertEqual(shipped[("ecb_mro", date(2024, 7, 1))], 4.25)
        self.assertEqual(shipped[("riksbank_ref", date(2024, 7, 1))], 4.0)
        self.assertEqual(shipped[("no_late_interest", date(2025, 1, 1))], 12.5)
        for index in INDEXES:
            self.assertIn((index, date(2023, 1, 1)), shipped)

    def test_collectors_read_managers_edit(self):
        rates = self.Rate.with_user(self.collector).search([])
        self.assertTrue(rates.mapped("rate"))
        values = {"index": "ecb_mro", "date_from": "2030-01-01", "rate": 2.0}
        with self.assertRaises(AccessError):
            self.Rate.with_user(self.collector).create(values)
        with self.assertRaises(AccessError):
            rates[:1].with_user(self.collector).write({"rate": 9.0})
        with self.assertRaises(AccessError):
            rates[:1].with_user(self.collector).unlink()
        rate = self.Rate.with_user(self.manager).create(values)
        rate.write({"rate": 2.25, "source_url": "https://www.ecb.europa.eu/"})
        self.assertEqual(rate.rate, 2.25)
        rate.unlink()

    def test_a_rate_applies_from_1_january_or_1_july(self):
        for day in ("2030-03-01", "2030-07-02", "2030-12-31"):
            with self.assertRaisesRegex(ValidationError, "1 January or 1 July"):
                self.Rate.create({"index": "ecb_mro", "date_from": day, "rate": 2.0})
        rate = self.Rate.create(
            {"index": "ecb_mro", "date_from": "2030-07-01", "rate": 2.0}
        )
        with self.assertRaisesRegex(ValidationError, "1 January or 1 July"):
            rate.write({"date_from": "2030-08-01"})
        with self.assertRaisesRegex(ValidationError, "between -100 and 100"):
            rate.write({"rate": 150.0})

    def test_one_rate_per_index_and_half_year(self):
        values = {"index": "riksbank_ref", "date_from": "2030-01-01", "rate": 1.0}
        self.Rate.create(values)
        self.Rate.create({**values, "index": "ecb_mro"})
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self.Rate.create(values)

    def test_rates_for_the_pure_arithmetic(self):
        rates = self.Rate._ar_rates("ecb_mro")
        self.assertTrue(all(isinstance(rate, RatePeriod) for rate in rates))
        self.assertEqual({rate.index for rate in rates}, {"ecb_mro"})
        by_date = {rate.date_from: rate.rate for rate in rates}
        self.assertEqual(by_date[date(2025, 7, 1)], Decimal("2.15"))
        self.assertEqual({rate.index for rate in self.Rate._ar_rates()}, set(INDEXES))
        # The shipped hand-computed case: EUR 1,000 due 31 May 2024, 400 paid on
        # 15 June, the rest on 20 July: 12.25 (tests/pure/test_interest.py).
        result = accrue_interest(
            [
                (date(2024, 5, 1), Decimal("1000.00")),
                (date(2024, 6, 15), Decimal("600.00")),
                (date(2024, 7, 20), Decimal(0)),
            ],
            date(2024, 5, 31),
            date(2024, 8, 31),
            rates,
            "eu_late_payment",
            2,
        )
        self.assertEqual(result.amount, Decimal("12.25"))

    def test_missing_rates_of_the_half_year_in_force(self):
        self.assertEqual(self.Rate._ar_missing_rates(date(2024, 3, 15)), [])
        self.assertEqual(
            self.Rate._ar_missing_rates(date(2025, 8, 1)),
            ["riksbank_ref", "no_late_interest"],
        )
        self.assertEqual(self.Rate._ar_missing_rates(date(2031, 1, 1)), INDEXES)
        # A collector's run sees the same (the rates are read with sudo).
        self.assertEqual(
            self.Rate.with_user(self.collector)._ar_missing_rates(date(2025, 8, 1)),
            ["riksbank_ref", "no_late_interest"],
        )

    def test_settings_page_warns_about_the_half_year_in_force(self):
        start = half_year_start(fields.Date.context_today(self.Rate))
        self.Rate.search([("date_from", "=", start)]).unlink()
        settings = self.env["res.config.settings"].create({})
        warning = settings.ar_missing_rates_warning
        self.assertIn("No reference rate for the current half-year", warning)
        self.assertIn("ECB main refinancing rate", warning)
        self.assertIn("Riksbank reference rate", warning)
        for index in INDEXES:
            self.Rate.create({"index": index, "date_from": start, "rate": 2.0})
        self.assertFalse(
            self.env["res.config.settings"].create({}).ar_missing_rates_warning
        )

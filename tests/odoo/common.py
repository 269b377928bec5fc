"""Shared set-up for the tests that run against a real Odoo database."""

from datetime import date, timedelta

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

# 2026-03-02 is a Monday: the reference due date of most tests.
MONDAY = date(2026, 3, 2)


class CollectionsCase(AccountTestInvoicingCommon):
    """A company with the shipped Standard B2B ladder, a collector and a customer."""

    @classmethod
    def get_default_groups(cls):
        """The test user is an accountant and a collections manager."""
        return super().get_default_groups() | cls.env.ref(
            "ar_collections.group_collections_manager"
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.Ladder = cls.env["ar.dunning.ladder"]
        cls.env["res.company"].browse(cls.company.ids)._ar_install_shipped_ladders()
        cls.ladder = cls.Ladder.search(
            [("company_id", "=", cls.company.id), ("code", "=", "standard_b2b")]
        )
        cls.company.ar_default_ladder_id = cls.ladder
        cls.collector = new_test_user(
            cls.env,
            login="collector",
            name="Colin Collector",
            email="collector@example.com",
            groups="ar_collections.group_collections_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="collections_manager",
            name="Maria Manager",
            email="manager@example.com",
            groups="ar_collections.group_collections_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.customer = cls._make_customer("Acme Corp", "acme@example.com")

    @classmethod
    def _make_customer(cls, name, email, **values):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "email": email,
                "is_company": True,
                "collector_id": cls.collector.id,
            }
            | values
        )

    @classmethod
    def _make_invoice(cls, partner, due, amount=100.0, company=None, currency=None):
        """A posted customer invoice of ``amount`` (no tax) due on ``due``."""
        company = company or cls.company
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": due - timedelta(days=30),
                    "invoice_date_due": due,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Consulting",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    def run_collections(self, today, **kwargs):
        return self.Ladder.run_collections(today=today, **kwargs)

    def events(self, moves, **domain):
        search = [("move_id", "in", moves.ids)] + [
            (k, "=", v) for k, v in domain.items()
        ]
        return self.env["ar.collection.event"].search(search)

    def mails_to(self, partner):
        return self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id)]
        )

    def pay(self, move, amount=None):
        """Register a payment of ``amount`` (default: the whole residual)."""
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"amount": amount or move.amount_residual})
        )
        wizard._create_payments()
        return move

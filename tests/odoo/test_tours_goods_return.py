from datetime import timedelta

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import MONDAY, CollectionsCase

TO_APPROVE_URL = "/odoo/action-ar_collections.ar_goods_return_action?view_type=list"


@tagged("post_install", "-at_install", "is_tour")
class TestGoodsReturnTours(CollectionsCase, HttpCase):
    """A collector proposes to take goods back from an invoice; a manager approves;
    the credit note is there."""

    def test_collector_proposes_manager_approves(self):
        self.tax_sale_a.amount = 15.0
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": MONDAY - timedelta(days=30),
                "invoice_date_due": MONDAY,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_a.id,
                            "quantity": 10,
                            "price_unit": 100.0,
                            "tax_ids": [Command.set(self.tax_sale_a.ids)],
                        }
                    ),
                    Command.create(
                        {
                            "product_id": self.product_b.id,
                            "quantity": 4,
                            "price_unit": 50.0,
                            "tax_ids": [],
                        }
                    ),
                ],
            }
        )
        move.action_post()
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "ar_collections_goods_return_propose",
            login=self.collector.login,
        )
        goods_return = self.env["ar.goods.return"].search(
            [("move_ids", "in", move.ids)]
        )
        self.assertEqual(goods_return.state, "submitted")
        self.assertEqual(goods_return.requester_id, self.collector)
        self.assertEqual(
            [(line.product_id, line.quantity) for line in goods_return.line_ids],
            [(self.product_a, 3.0)],
        )

        self.start_tour(
            TO_APPROVE_URL,
            "ar_collections_goods_return_approve",
            login=self.manager.login,
        )
        self.assertEqual(goods_return.state, "done")
        self.assertEqual(goods_return.approval_ids.user_id, self.manager)
        self.assertAlmostEqual(goods_return.credit_note_id.amount_total, 345.0)
        self.assertAlmostEqual(move.amount_residual, 1150.0 + 200.0 - 345.0)

"""With Inventory (ar_collections_stock): a credited return of goods creates the
receipt of the goods from the customer. make test's database installs the bridge;
skipped on a database without it."""

from unittest import SkipTest

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_goods_return import TestGoodsReturn


def _bridge_installed(env):
    return bool(
        env["ir.module.module"].search_count(
            [("name", "=", "ar_collections_stock"), ("state", "=", "installed")]
        )
    )


@tagged("post_install", "-at_install")
class TestGoodsReturnStock(TestGoodsReturn):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not _bridge_installed(cls.env):
            raise SkipTest(
                "ar_collections_stock is not installed in this database (Inventory "
                "is not): the return transfer is not tested here"
            )
        cls.service = cls.env["product.product"].create(
            {"name": "Installation", "type": "service", "list_price": 80.0}
        )

    def test_credited_return_creates_the_receipt_from_the_customer(self):
        move = self.goods_invoice()
        line_a, line_b = self.lines(move)
        move.button_draft()
        move.write(
            {
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.service.id,
                            "quantity": 1,
                            "price_unit": 80.0,
                            "tax_ids": [],
                        }
                    )
                ]
            }
        )
        move.action_post()
        service_line = move.invoice_line_ids.filtered(
            lambda l: l.product_id == self.service
        )
        goods_return = self.propose(move, {line_a: 3, line_b: 1, service_line: 1})
        self.assertFalse(goods_return.picking_ids, "nothing moves before approval")
        goods_return.with_user(self.manager).action_approve()

        picking = goods_return.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.picking_type_id.code, "incoming")
        self.assertEqual(picking.location_id, self.customer.property_stock_customer)
        self.assertEqual(picking.location_dest_id.usage, "internal")
        self.assertEqual(picking.partner_id, self.customer)
        self.assertIn(goods_return.name, picking.origin)
        self.assertNotEqual(picking.state, "draft")
        self.assertEqual(
            {m.product_id: m.product_uom_qty for m in picking.move_ids},
            {self.product_a: 3.0, self.product_b: 1.0},
        )
        self.assertAlmostEqual(goods_return.credit_note_id.amount_total, 390.0 + 80.0)

    def test_rejected_or_submitted_return_moves_nothing(self):
        move = self.goods_invoice()
        line_a, _line_b = self.lines(move)
        goods_return = self.propose(move, {line_a: 2})
        goods_return.with_user(self.manager).action_reject("They keep them")
        self.assertFalse(goods_return.picking_ids)
        with self.assertRaises(UserError):
            goods_return.sudo().write({"picking_ids": [Command.clear()]})

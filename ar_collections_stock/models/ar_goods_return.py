from odoo import Command, _, fields, models
from odoo.exceptions import UserError

from odoo.addons.ar_collections.models.ar_goods_return import WORKFLOW_FIELDS

STOCK_WORKFLOW_FIELDS = WORKFLOW_FIELDS | {"picking_ids"}


class ArGoodsReturn(models.Model):
    """The goods taken back come back: a receipt from the customer once credited."""

    _inherit = "ar.goods.return"

    _ar_case_workflow_fields = STOCK_WORKFLOW_FIELDS

    picking_ids = fields.Many2many(
        "stock.picking",
        "ar_goods_return_picking_rel",
        "return_id",
        "picking_id",
        string="Return transfers",
        readonly=True,
        copy=False,
    )
    picking_count = fields.Integer(compute="_compute_picking_count")

    def _compute_picking_count(self):
        for goods_return in self:
            goods_return.picking_count = len(goods_return.picking_ids)

    def _ar_goods_returned(self):
        result = super()._ar_goods_returned()
        for goods_return in self:
            picking = goods_return._ar_create_return_picking()
            if picking:
                goods_return._ar_workflow_write(
                    {"picking_ids": [Command.link(picking.id)]}
                )
                goods_return.message_post(
                    body=_(
                        "Return transfer %(picking)s created: the goods are expected "
                        "back from the customer.",
                        picking=picking.name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return result

    def _ar_return_picking_type(self):
        self.ensure_one()
        warehouse = (
            self.env["stock.warehouse"]
            .sudo()
            .search([("company_id", "=", self.company_id.id)], limit=1)
        )
        picking_type = (
            warehouse.out_type_id.return_picking_type_id or warehouse.in_type_id
        )
        if not picking_type:
            raise UserError(
                _(
                    "%(name)s: %(company)s has no warehouse with a receipt operation "
                    "to take the goods back into.",
                    name=self.display_name,
                    company=self.company_id.name,
                )
            )
        return picking_type

    def _ar_create_return_picking(self):
        """A confirmed receipt of the goods taken back (services left out), from
        the customer's location; None when no line is goods."""
        self.ensure_one()
        lines = self.line_ids.filtered(
            lambda l: l.product_id and l.product_id.type == "consu"
        )
        if not lines:
            return None
        picking_type = self._ar_return_picking_type()
        partner = self.move_id.partner_shipping_id or self.partner_id
        source = partner.with_company(self.company_id).property_stock_customer
        destination = picking_type.default_location_dest_id
        # The approvers (collections managers) need not be warehouse users: only the
        # receipt of this return is created.
        picking = (
            self.env["stock.picking"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "picking_type_id": picking_type.id,
                    "partner_id": partner.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "origin": _(
                        "%(name)s (%(invoice)s)",
                        name=self.name,
                        invoice=self.move_id.name,
                    ),
                    "company_id": self.company_id.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": line.product_id.display_name,
                                "product_id": line.product_id.id,
                                "product_uom_qty": line.quantity,
                                "product_uom": (
                                    line.product_uom_id or line.product_id.uom_id
                                ).id,
                                "location_id": source.id,
                                "location_dest_id": destination.id,
                                "company_id": self.company_id.id,
                            }
                        )
                        for line in lines
                    ],
                }
            )
        )
        picking.action_confirm()
        return picking

    def action_view_pickings(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Return transfers"),
            "res_model": "stock.picking",
            "view_mode": "list,form",
            "domain": [("id", "in", self.picking_ids.ids)],
        }

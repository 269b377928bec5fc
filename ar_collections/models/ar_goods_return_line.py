from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from .ar_goods_return import HOLDING_STATES


class ArGoodsReturnLine(models.Model):
    """One invoice line of a return of goods and the quantity taken back.

    The price, discount and taxes are the invoice line's; the quantity is at most
    what was invoiced minus what other returns (draft, submitted or credited)
    already take back. Lines change only while their return is a draft.
    """

    _name = "ar.goods.return.line"
    _description = "Goods taken back"
    _order = "return_id, id"

    return_id = fields.Many2one(
        "ar.goods.return", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="return_id.company_id", store=True, index=True)
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Invoice line",
        required=True,
        ondelete="restrict",
        index=True,
        domain="[('move_id', 'in', parent.move_ids), ('display_type', '=', 'product')]",
    )
    product_id = fields.Many2one(related="move_line_id.product_id")
    name = fields.Char(related="move_line_id.name", string="Description")
    quantity_invoiced = fields.Float(
        related="move_line_id.quantity",
        string="Invoiced",
        digits="Product Unit of Measure",
    )
    product_uom_id = fields.Many2one(related="move_line_id.product_uom_id")
    quantity = fields.Float(
        string="Taken back", required=True, digits="Product Unit of Measure"
    )
    price_unit = fields.Float(related="move_line_id.price_unit")
    discount = fields.Float(related="move_line_id.discount")
    tax_ids = fields.Many2many(related="move_line_id.tax_ids")
    currency_id = fields.Many2one(related="move_line_id.currency_id")
    price_subtotal = fields.Monetary(compute="_compute_amounts", string="Subtotal")
    price_total = fields.Monetary(compute="_compute_amounts", string="Total")

    _sql_constraints = [
        (
            "move_line_unique",
            "unique(return_id, move_line_id)",
            "An invoice line appears once in a return of goods.",
        ),
    ]

    @api.depends(
        "quantity", "move_line_id.price_unit", "move_line_id.discount", "tax_ids"
    )
    def _compute_amounts(self):
        for line in self:
            invoice_line = line.move_line_id
            if not invoice_line:
                line.price_subtotal = line.price_total = 0.0
                continue
            taxes = invoice_line.tax_ids.compute_all(
                invoice_line.price_unit * (1 - (invoice_line.discount or 0.0) / 100.0),
                currency=invoice_line.currency_id,
                quantity=line.quantity,
                product=invoice_line.product_id,
                partner=invoice_line.partner_id,
            )
            line.price_subtotal = taxes["total_excluded"]
            line.price_total = taxes["total_included"]

    # Quantities --------------------------------------------------------------------

    @api.model
    def _ar_quantities_taken(self, invoice_lines, exclude=None):
        """{invoice line id: quantity in returns that hold it} (draft, submitted or
        credited returns; ``exclude``: return lines not to count)."""
        domain = [
            ("move_line_id", "in", invoice_lines.ids),
            ("return_id.state", "in", HOLDING_STATES),
        ]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        groups = self.sudo()._read_group(domain, ["move_line_id"], ["quantity:sum"])
        return {invoice_line.id: total for invoice_line, total in groups}

    @api.constrains("quantity", "move_line_id", "return_id")
    def _check_quantity(self):
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        holding = self.filtered(lambda l: l.return_id.state in HOLDING_STATES)
        taken = self._ar_quantities_taken(holding.move_line_id, exclude=holding)
        mine = {}
        for line in holding:
            mine[line.move_line_id.id] = mine.get(line.move_line_id.id, 0.0) + (
                line.quantity
            )
        for line in self:
            invoice_line = line.move_line_id
            where = _(
                "%(goods_return)s, line %(line)s",
                goods_return=line.return_id.display_name,
                line=invoice_line.name or invoice_line.product_id.display_name,
            )
            # While the return is created its lines may come before its invoice:
            # the return checks them again then (_check_lines_on_invoice).
            if (
                line.return_id.move_ids
                and invoice_line.move_id not in line.return_id.move_ids
            ) or invoice_line.display_type != "product":
                raise ValidationError(
                    _(
                        "%(where)s: only product lines of the return's invoice can be "
                        "taken back.",
                        where=where,
                    )
                )
            if float_compare(line.quantity, 0.0, precision_digits=digits) <= 0:
                raise ValidationError(
                    _(
                        "%(where)s: the quantity taken back must be more than 0 "
                        "(got %(quantity)s); remove the line instead.",
                        where=where,
                        quantity=line.quantity,
                    )
                )
            if line not in holding:
                continue
            before = taken.get(invoice_line.id, 0.0)
            available = invoice_line.quantity - before
            if (
                float_compare(mine[invoice_line.id], available, precision_digits=digits)
                > 0
            ):
                raise ValidationError(
                    _(
                        "%(where)s: %(quantity)s taken back, but only %(available)s "
                        "can be (%(invoiced)s invoiced, %(before)s already in other "
                        "returns).",
                        where=where,
                        quantity=mine[invoice_line.id],
                        available=available,
                        invoiced=invoice_line.quantity,
                        before=before,
                    )
                )

    # Only while the return is a draft ----------------------------------------------

    def _ar_check_editable(self, returns):
        locked = returns.filtered(lambda r: r.state != "draft")
        if locked and not locked._ar_is_unlocked():
            raise UserError(
                _(
                    "%(returns)s can no longer be changed: only the lines of a draft "
                    "return of goods can be edited.",
                    returns=", ".join(locked.mapped("display_name")),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        returns = self.env["ar.goods.return"].browse(
            {vals.get("return_id") for vals in vals_list if vals.get("return_id")}
        )
        self._ar_check_editable(returns)
        return super().create(vals_list)

    def write(self, vals):
        if "return_id" in vals and any(
            line.return_id.id != vals["return_id"] for line in self
        ):
            raise UserError(_("A line cannot move to another return of goods."))
        self._ar_check_editable(self.return_id)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_in_draft(self):
        self._ar_check_editable(self.return_id)

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from ..ladder.write_off_policy import REASON_LABELS
from .account_move import OPEN_PAYMENT_STATES

# The write-off policy's reason that decides who approves a return of goods.
GOODS_RETURNED = "goods_returned"
assert GOODS_RETURNED in REASON_LABELS
RETURN_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("done", "Credited"),
    ("rejected", "Rejected"),
]
# States in which a return holds the quantities of its invoice lines.
HOLDING_STATES = ("draft", "submitted", "done")
# Set by the workflow only (submit, approve, reject): refused in create()/write()
# for every caller, superuser included.
WORKFLOW_FIELDS = frozenset(
    {
        "state",
        "amount",
        "date_submitted",
        "date_done",
        "band_description",
        "approval_ids",
        "decision_comment",
        "credit_note_id",
    }
)
# What the collector proposes; frozen once the return leaves the draft state.
PROPOSAL_FIELDS = frozenset(
    {"partner_id", "move_ids", "line_ids", "note", "company_id"}
)


class ArGoodsReturn(models.Model):
    """Goods taken back from a customer who will not pay for them.

    A collector proposes, from an overdue invoice, the lines and quantities to take
    back; the company's write-off policy (reason ``goods_returned``) says whose
    approvals it needs, given in order, each by a different user who is not the
    requester (``ar.approval.mixin``). The last approval posts a credit note for
    those quantities, at the invoice lines' prices and taxes, reconciled with the
    invoice: the rest of the invoice stays on the ladder. ``_ar_goods_returned``
    is the hook the Inventory bridge (``ar_collections_stock``) extends with the
    return transfer.

    The submission, approval and accounting are in ar_goods_return_workflow.py.
    """

    _name = "ar.goods.return"
    _description = "Return of goods"
    # The approval mixin first: its create checks the caller's values before the
    # case mixin numbers the return.
    _inherit = ["ar.approval.chain.mixin", "ar.collection.case.mixin"]
    _order = "id desc"
    _check_company_auto = True

    _ar_case_sequence_code = "ar.goods.return"
    _ar_case_deletable_states = ("draft",)
    _ar_pausing_states = ()
    _ar_case_workflow_fields = WORKFLOW_FIELDS
    _ar_case_frozen_fields = PROPOSAL_FIELDS
    _ar_case_editable_states = ("draft",)
    _ar_requester_field = "requester_id"
    # The workflow fields are guarded by the case mixin (which lets a form send
    # their defaults on creation); the approval mixin guards the requester.
    _ar_workflow_fields = frozenset()
    _ar_approval_activity_type = "ar_collections.mail_activity_type_goods_return"

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    move_ids = fields.Many2many(
        "account.move",
        "ar_goods_return_move_rel",
        "return_id",
        "move_id",
        string="Invoice",
        required=True,
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('commercial_partner_id', '=', partner_id)]",
    )
    move_id = fields.Many2one(
        "account.move",
        string="The invoice",
        compute="_compute_move_id",
        store=True,
        index=True,
    )
    line_ids = fields.One2many(
        "ar.goods.return.line", "return_id", string="Goods taken back", copy=False
    )
    note = fields.Text(help="Why the goods are taken back, where they are.")
    state = fields.Selection(
        RETURN_STATES,
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    requester_id = fields.Many2one(
        "res.users",
        string="Proposed by",
        default=lambda self: self.env.user,
        required=True,
        readonly=True,
        tracking=True,
    )
    invoice_currency_id = fields.Many2one(
        related="move_id.currency_id", string="Invoice currency"
    )
    amount = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        copy=False,
        tracking=True,
        help="Value of the goods taken back, taxes included, in company currency; "
        "fixed on submission. It decides the approvals (policy band).",
    )
    amount_total = fields.Monetary(
        string="Credit note total",
        compute="_compute_amount_total",
        currency_field="invoice_currency_id",
    )
    date_done = fields.Date(string="Credited on", readonly=True, copy=False)
    approval_ids = fields.One2many(
        "ar.goods.return.approval", "return_id", string="Approvals", readonly=True
    )
    next_approval_id = fields.Many2one(
        "ar.goods.return.approval",
        compute="_compute_next_approval_id",
        store=True,
        string="Awaiting",
    )
    next_group_id = fields.Many2one(
        related="next_approval_id.group_id", string="Awaiting approval of"
    )
    credit_note_id = fields.Many2one(
        "account.move", string="Credit note", readonly=True, copy=False
    )

    @api.depends("move_ids")
    def _compute_move_id(self):
        for goods_return in self:
            goods_return.move_id = goods_return.move_ids[:1]

    @api.depends("line_ids.price_total")
    def _compute_amount_total(self):
        for goods_return in self:
            goods_return.amount_total = sum(goods_return.line_ids.mapped("price_total"))

    @api.depends("name", "partner_id")
    def _compute_display_name(self):
        for goods_return in self:
            goods_return.display_name = (
                f"{goods_return.name} ({goods_return.partner_id.name})"
                if goods_return.partner_id
                else goods_return.name
            )

    # Constraints -------------------------------------------------------------------

    @api.constrains("move_ids")
    def _check_one_invoice(self):
        for goods_return in self:
            if len(goods_return.move_ids) != 1:
                raise ValidationError(
                    _(
                        "%(name)s: a return of goods is for exactly one invoice "
                        "(%(count)s given).",
                        name=goods_return.display_name,
                        count=len(goods_return.move_ids),
                    )
                )

    @api.constrains("move_ids", "line_ids")
    def _check_lines_on_invoice(self):
        for goods_return in self:
            wrong = goods_return.line_ids.filtered(
                lambda l, r=goods_return: l.move_line_id.move_id not in r.move_ids
            )
            if wrong:
                raise ValidationError(
                    _(
                        "%(name)s: only product lines of the return's invoice can be "
                        "taken back, not: %(lines)s.",
                        name=goods_return.display_name,
                        lines=", ".join(wrong.move_line_id.mapped("display_name")),
                    )
                )

    # Approval hook (ar.approval.mixin) ---------------------------------------------

    def _ar_approval_activity_text(self, group):
        return (
            _("Approve return of goods %(name)s", name=self.name),
            _(
                "Goods worth %(amount)s %(currency)s taken back from %(partner)s "
                "(%(invoice)s). Your approval as %(group)s is requested.",
                amount=self.amount,
                currency=self.currency_id.name,
                partner=self.partner_id.display_name,
                invoice=self.move_id.name,
                group=group.full_name,
            ),
        )

    # Creating from the invoice ------------------------------------------------------

    @api.model
    def _ar_returnable_lines(self, move):
        """{invoice line: quantity that may still be taken back} of ``move``."""
        lines = move.invoice_line_ids.filtered(
            lambda l: l.display_type == "product" and l.quantity > 0
        )
        taken = self.env["ar.goods.return.line"]._ar_quantities_taken(lines)
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        left = {line: line.quantity - taken.get(line.id, 0.0) for line in lines}
        return {
            line: quantity
            for line, quantity in left.items()
            if float_compare(quantity, 0.0, precision_digits=digits) > 0
        }

    def _ar_check_invoice_open(self):
        for goods_return in self:
            move = goods_return.move_id
            if move.state != "posted" or move.payment_state not in OPEN_PAYMENT_STATES:
                raise UserError(
                    _(
                        "%(name)s: the invoice %(invoice)s is no longer open; goods "
                        "are taken back only from an invoice still owed.",
                        name=goods_return.display_name,
                        invoice=move.display_name,
                    )
                )

import contextvars
import json

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

CHARGE_KINDS = [("fee", "Fee"), ("interest", "Interest")]
CHARGE_STATES = [
    ("posted", "Posted"),
    ("waiver_requested", "Waiver requested"),
    ("waived", "Waived"),
]
# Every stored field of a charge but the chatter's: a charge is what the run
# computed and posted; it changes only through its waiver methods, for every
# caller (RPC, import, sudo()).
CHARGE_FIELDS = frozenset(
    {
        "move_id",
        "partner_id",
        "company_id",
        "kind",
        "fee_code",
        "step_code",
        "action_index",
        "once_per_invoice",
        "amount",
        "currency_id",
        "date",
        "date_from",
        "date_to",
        "basis",
        "snapshot",
        "legal_reference",
        "charge_move_id",
        "charge_line_id",
        "event_id",
    }
)
# Set by ``_ar_create_charges`` only: a context variable is local to the thread
# and no RPC argument, import or context key reaches it.
_CREATING = contextvars.ContextVar("ar_collections_charge_creating", default=False)
WAIVER_FIELDS = frozenset(
    {
        "state",
        "waiver_reason",
        "waiver_date",
        "waiver_decided_by_id",
        "waiver_comment",
        "waiver_move_id",
    }
)


class ArCollectionCharge(models.Model):
    """One fee or one interest amount charged on one invoice by a ladder step.

    The run creates the charge and posts it on a customer document of its own (an
    open receivable, ``charge_move_id``); from then on only its waiver methods
    change it (``ar_collection_charge_waiver.py``). Idempotency is in the database:
    a fee is charged at most once per invoice and step, a once-per-invoice fee at
    most once per invoice, and the interest periods of an invoice never overlap
    (each starts the day after the last charged day).
    """

    _name = "ar.collection.charge"
    _description = "Late-payment charge"
    _inherit = ["ar.approval.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"

    _ar_requester_field = "waiver_requested_by_id"
    _ar_workflow_fields = CHARGE_FIELDS | WAIVER_FIELDS
    _ar_approval_activity_type = "ar_collections.mail_activity_type_charge_waiver"

    name = fields.Char(compute="_compute_name")
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
        help="The late invoice the charge is on.",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    kind = fields.Selection(CHARGE_KINDS, required=True, readonly=True)
    fee_code = fields.Char(
        string="Fee",
        readonly=True,
        help="The fee preset, or 'custom' for an amount the ladder gives.",
    )
    step_code = fields.Char(string="Step", readonly=True)
    action_index = fields.Integer(
        readonly=True, help="Position of the action in its ladder step."
    )
    once_per_invoice = fields.Boolean(readonly=True)
    amount = fields.Monetary(required=True, readonly=True, tracking=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    date = fields.Date(required=True, readonly=True, help="Date of the run.")
    date_from = fields.Date(
        string="Interest from", readonly=True, help="First day of interest charged."
    )
    date_to = fields.Date(
        string="Interest to", readonly=True, help="Last day of interest charged."
    )
    basis = fields.Char(readonly=True, help="How the amount was computed.")
    snapshot = fields.Text(
        readonly=True,
        help="The computation as it was made (JSON): rates, days, periods, amounts.",
    )
    legal_reference = fields.Char(readonly=True)
    charge_move_id = fields.Many2one(
        "account.move",
        string="Charge document",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    charge_line_id = fields.Many2one(
        "account.move.line", string="Charge line", readonly=True, ondelete="set null"
    )
    event_id = fields.Many2one(
        "ar.collection.event", readonly=True, ondelete="set null", index=True
    )
    state = fields.Selection(
        CHARGE_STATES,
        required=True,
        default="posted",
        readonly=True,
        tracking=True,
        index=True,
    )
    waiver_requested_by_id = fields.Many2one(
        "res.users", string="Waiver requested by", readonly=True
    )
    waiver_reason = fields.Text(readonly=True, tracking=True)
    waiver_date = fields.Date(readonly=True)
    waiver_decided_by_id = fields.Many2one(
        "res.users", string="Waiver decided by", readonly=True
    )
    waiver_comment = fields.Text(readonly=True)
    waiver_move_id = fields.Many2one(
        "account.move", string="Waiver credit note", readonly=True
    )
    amount_company = fields.Monetary(
        string="Amount (company currency)",
        compute="_compute_amount_company",
        store=True,
        currency_field="company_currency_id",
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company currency"
    )

    def init(self):
        cr = self.env.cr
        table = SQL.identifier(self._table)
        for name, columns, where in (
            # the same fee never twice for one invoice and step
            (
                "ar_collection_charge_fee_step_once",
                "move_id, fee_code, step_code",
                "kind = 'fee'",
            ),
            # a once-per-invoice fee never twice at all
            (
                "ar_collection_charge_fee_invoice_once",
                "move_id, fee_code",
                "kind = 'fee' AND once_per_invoice",
            ),
            # no two interest charges start or end on the same day of an invoice
            (
                "ar_collection_charge_interest_from",
                "move_id, date_from",
                "kind = 'interest'",
            ),
            (
                "ar_collection_charge_interest_to",
                "move_id, date_to",
                "kind = 'interest'",
            ),
        ):
            cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (%s) WHERE %s",
                    SQL.identifier(name),
                    table,
                    SQL(columns),
                    SQL(where),
                )
            )

    @api.depends("kind", "fee_code", "move_id.name", "date_from", "date_to")
    def _compute_name(self):
        for charge in self:
            if charge.kind == "interest":
                charge.name = _(
                    "Interest on %(invoice)s, %(start)s to %(end)s",
                    invoice=charge.move_id.name,
                    start=charge.date_from,
                    end=charge.date_to,
                )
            else:
                charge.name = _(
                    "Fee %(fee)s on %(invoice)s",
                    fee=charge.fee_code,
                    invoice=charge.move_id.name,
                )

    @api.depends("amount", "currency_id", "date", "company_id")
    def _compute_amount_company(self):
        for charge in self:
            charge.amount_company = charge.currency_id._convert(
                charge.amount,
                charge.company_id.currency_id,
                charge.company_id,
                charge.date or fields.Date.context_today(charge),
            )

    @api.constrains("kind", "date_from", "date_to", "move_id")
    def _check_interest_periods(self):
        """Interest periods are well formed and never overlap on one invoice."""
        interest = self.filtered(lambda charge: charge.kind == "interest")
        for charge in interest:
            if not charge.date_from or not charge.date_to:
                raise ValidationError(
                    _("An interest charge needs the first and last day it covers.")
                )
            if charge.date_from > charge.date_to:
                raise ValidationError(
                    _(
                        "Interest charge on %(invoice)s: it starts on %(start)s, "
                        "after its last day %(end)s.",
                        invoice=charge.move_id.name,
                        start=charge.date_from,
                        end=charge.date_to,
                    )
                )
        if not interest:
            return
        self.flush_model(["kind", "date_from", "date_to", "move_id"])
        self.env.cr.execute(
            SQL(
                "SELECT a.id FROM %(table)s a JOIN %(table)s b"
                " ON a.move_id = b.move_id AND a.id != b.id"
                " AND b.kind = 'interest'"
                " AND a.date_from <= b.date_to AND b.date_from <= a.date_to"
                " WHERE a.kind = 'interest' AND a.id = ANY(%(ids)s) LIMIT 1",
                table=SQL.identifier(self._table),
                ids=interest.ids,
            )
        )
        row = self.env.cr.fetchone()
        if row:
            charge = self.browse(row[0])
            raise ValidationError(
                _(
                    "Interest on %(invoice)s from %(start)s to %(end)s overlaps "
                    "interest already charged: a day is charged only once.",
                    invoice=charge.move_id.name,
                    start=charge.date_from,
                    end=charge.date_to,
                )
            )

    # Guard ---------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """Charges are created by the run only (``_ar_create_charges``): whatever
        the caller says (RPC, import, sudo()), a new charge is posted and has no
        waiver."""
        if not _CREATING.get():
            raise UserError(
                _(
                    "Late-payment charges are created by the collections run, not "
                    "by hand."
                )
            )
        for vals in vals_list:
            for name in WAIVER_FIELDS:
                vals.pop(name, None)
        return super().create(vals_list)

    @api.model
    def _ar_create_charges(self, vals_list):
        """The run's creation of charges (a private method: no RPC reaches it)."""
        token = _CREATING.set(True)
        try:
            return (
                self.sudo()
                .with_context(mail_create_nolog=True, tracking_disable=True)
                .create(vals_list)
            )
        finally:
            _CREATING.reset(token)

    def _ar_check_approval_fields(self, vals):
        if _CREATING.get() and not self.ids:
            return
        return super()._ar_check_approval_fields(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            _("A late-payment charge cannot be deleted; waive it to cancel its amount.")
        )

    # Display -------------------------------------------------------------------------

    def _ar_snapshot(self):
        self.ensure_one()
        return json.loads(self.snapshot) if self.snapshot else {}

    def _ar_notice_line(self):
        """The charge as the notices show it (contract 3)."""
        self.ensure_one()
        label = (
            _("Late-payment interest on %(invoice)s", invoice=self.move_id.name)
            if self.kind == "interest"
            else _("Recovery fee on %(invoice)s", invoice=self.move_id.name)
        )
        return {
            "label": label,
            "basis": self.basis or "",
            "amount": self.amount,
            "currency": self.currency_id,
            "legal_reference": self.legal_reference or "",
        }

    def _ar_event_text(self):
        """What the step's event says of the charge."""
        self.ensure_one()
        return _(
            "%(what)s: %(amount)s (%(basis)s) on %(document)s",
            what=self._ar_notice_line()["label"],
            amount=self.currency_id.format(self.amount),
            basis=self.basis or "",
            document=self.charge_move_id.name,
        )

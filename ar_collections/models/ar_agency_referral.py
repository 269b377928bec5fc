import base64
import csv
import io
import math
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

from .account_move import OPEN_PAYMENT_STATES, PAID_PAYMENT_STATES

REFERRAL_STATES = [
    ("draft", "Draft"),
    ("sent", "Sent"),
    ("acknowledged", "Acknowledged"),
    ("collecting", "Collecting"),
    ("closed", "Closed"),
    ("recalled", "Recalled"),
]
ACTIVE_STATES = ("sent", "acknowledged", "collecting")
# From sending until a recall the agency owns the case: the ladder leaves it alone.
PAUSING_STATES = ACTIVE_STATES + ("closed",)
CLOSE_REASONS = [
    ("recovered", "Recovered"),
    ("partial", "Partly recovered"),
    ("returned", "Returned uncollectible"),
]
# Statuses an agency may report (manual update or CSV import).
AGENCY_STATUSES = [
    ("acknowledged", "Acknowledged"),
    ("collecting", "Collecting"),
    ("recovered", "Recovered"),
    ("partly_recovered", "Partly recovered"),
    ("returned", "Returned uncollectible"),
]
CLOSING_STATUSES = {
    "recovered": "recovered",
    "partly_recovered": "partial",
    "returned": "returned",
}
MANAGER_GROUP = "ar_collections.group_collections_manager"
USER_GROUP = "ar_collections.group_collections_user"
REFERRAL_STEP = "agency_referral"
RECALL_STEP = "agency_recall"
# Fields fixed once the referral is sent.
FROZEN_FIELDS = {
    "partner_id",
    "agency_id",
    "move_ids",
    "line_ids",
    "company_id",
    "commission_rate",
    "commission_minimum",
}
# Fields only the referral's own methods write (send, agency update, recall, close,
# commission billing, case file), whatever the state: their value on creation.
SYSTEM_FIELDS = {
    "state": "draft",
    "close_reason": False,
    "recall_reason": False,
    "date_sent": False,
    "date_closed": False,
    "amount_collected_agency": 0.0,
    "commission_billed": 0.0,
    "commission_move_ids": [],
    "attachment_ids": [],
    "write_off_request_ids": [],
}
# A spreadsheet reads a cell starting with one of these as a formula (OWASP, CSV
# injection): such text gets a leading apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """``value`` as a CSV cell that no spreadsheet evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _SafeCsvWriter:
    """csv.writer whose text cells are made safe with ``csv_safe``."""

    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row):
        return self._writer.writerow([csv_safe(value) for value in row])


class ArAgencyReferral(models.Model):
    """Overdue invoices of one customer handed to a collection agency.

    Sending puts the customer on credit hold, moves the invoices to the stage
    ``agency`` (a collection event per invoice) and pauses the ladder for them; the
    agency receives the case file by e-mail. Recoveries come from payments
    registered on the invoices (``ar.agency.referral.line``) and from what the agency
    reports; the commission is billed to the agency as a draft vendor bill.
    """

    _name = "ar.agency.referral"
    _description = "Agency referral"
    _inherit = ["ar.collection.case.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _ar_case_deletable_states = ("draft",)
    _ar_case_sequence_code = "ar.agency.referral"
    _ar_pausing_states = PAUSING_STATES
    _ar_pause_shifts_ladder = False

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    agency_id = fields.Many2one(
        "res.partner",
        string="Agency",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_collection_agency', '=', True)]",
    )
    agency_case_reference = fields.Char(
        string="Agency case reference",
        tracking=True,
        copy=False,
        help="The agency's own reference for the case; imports match it or ours.",
    )
    move_ids = fields.Many2many(
        "account.move",
        "ar_agency_referral_move_rel",
        "referral_id",
        "move_id",
        string="Invoices",
        copy=False,
    )
    line_ids = fields.One2many(
        "ar.agency.referral.line", "referral_id", string="Invoice lines", readonly=True
    )
    state = fields.Selection(
        REFERRAL_STATES,
        required=True,
        default="draft",
        readonly=True,
        index=True,
        tracking=True,
        copy=False,
    )
    close_reason = fields.Selection(
        CLOSE_REASONS, readonly=True, tracking=True, copy=False
    )
    recall_reason = fields.Char(readonly=True, tracking=True, copy=False)
    date_sent = fields.Date(readonly=True, copy=False, tracking=True)
    date_closed = fields.Date(readonly=True, copy=False)
    user_id = fields.Many2one(
        "res.users", string="Referred by", default=lambda self: self.env.user
    )
    note = fields.Text(help="Told to the agency in the referral e-mail.")
    commission_rate = fields.Float(
        string="Commission (%)",
        digits=(16, 2),
        tracking=True,
        help="The agency's rate when the case was referred.",
    )
    commission_minimum = fields.Monetary(
        string="Minimum fee",
        help="Charged when a closed case recovered something but the rate gives less.",
    )
    amount_referred = fields.Monetary(
        compute="_compute_amounts",
        store=True,
        help="What the invoices owed when they were referred (company currency).",
    )
    amount_paid = fields.Monetary(
        string="Paid on the invoices",
        compute="_compute_amounts",
        store=True,
        help="Payments registered on the invoices since the referral (agency "
        "remittances and direct payments).",
    )
    amount_collected_agency = fields.Monetary(
        string="Collected (agency report)",
        readonly=True,
        tracking=True,
        copy=False,
        help="Total the agency reports having collected on the case.",
    )
    amount_recovered = fields.Monetary(
        compute="_compute_amounts",
        store=True,
        help="The larger of the payments on the invoices and the agency's report: an "
        "agency remittance registered as a payment shows in both.",
    )
    amount_residual = fields.Monetary(
        string="Still owed", compute="_compute_amounts", store=True
    )
    commission_amount = fields.Monetary(
        string="Commission", compute="_compute_amounts", store=True
    )
    amount_net = fields.Monetary(
        string="Net recovered", compute="_compute_amounts", store=True
    )
    commission_billed = fields.Monetary(readonly=True, copy=False)
    commission_to_bill = fields.Monetary(compute="_compute_commission_to_bill")
    commission_move_ids = fields.Many2many(
        "account.move",
        "ar_agency_referral_commission_rel",
        "referral_id",
        "move_id",
        string="Commission bills",
        readonly=True,
        copy=False,
    )
    update_ids = fields.One2many(
        "ar.agency.referral.update",
        "referral_id",
        string="Agency updates",
        readonly=True,
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "ar_agency_referral_attachment_rel",
        "referral_id",
        "attachment_id",
        string="Case file",
        readonly=True,
        copy=False,
    )
    write_off_request_ids = fields.Many2many(
        "ar.write.off.request",
        "ar_agency_referral_write_off_rel",
        "referral_id",
        "request_id",
        string="Write-off requests",
        readonly=True,
        copy=False,
    )
    legal_case_ids = fields.One2many(
        "ar.legal.case", "referral_id", string="Legal cases", readonly=True
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")

    _sql_constraints = [
        (
            "commission_rate_range",
            "CHECK(commission_rate >= 0 AND commission_rate <= 100)",
            "The commission rate is a percentage between 0 and 100.",
        ),
    ]

    # Computes ------------------------------------------------------------------------

    @api.onchange("agency_id")
    def _onchange_agency_id(self):
        self.commission_rate = self.agency_id.agency_commission_rate
        self.commission_minimum = self.agency_id.agency_minimum_fee

    @api.depends(
        "line_ids.amount_referred",
        "line_ids.amount_recovered",
        "line_ids.amount_residual",
        "amount_collected_agency",
        "commission_rate",
        "commission_minimum",
        "state",
    )
    def _compute_amounts(self):
        for referral in self:
            rounding = referral.currency_id or self.env.company.currency_id
            referred = sum(referral.line_ids.mapped("amount_referred"))
            paid = sum(referral.line_ids.mapped("amount_recovered"))
            recovered = min(max(paid, referral.amount_collected_agency), referred)
            commission = recovered * referral.commission_rate / 100.0
            if (
                referral.state == "closed"
                and not rounding.is_zero(recovered)
                and commission < referral.commission_minimum
            ):
                commission = min(referral.commission_minimum, recovered)
            commission = rounding.round(commission)
            referral.amount_referred = referred
            referral.amount_paid = paid
            referral.amount_recovered = recovered
            referral.amount_residual = sum(referral.line_ids.mapped("amount_residual"))
            referral.commission_amount = commission
            referral.amount_net = recovered - commission

    @api.depends("commission_amount", "commission_billed")
    def _compute_commission_to_bill(self):
        for referral in self:
            referral.commission_to_bill = max(
                referral.commission_amount - referral.commission_billed, 0.0
            )

    @api.depends("move_ids")
    def _compute_invoice_count(self):
        for referral in self:
            referral.invoice_count = len(referral.move_ids)

    @api.depends("name", "partner_id", "agency_id")
    def _compute_display_name(self):
        for referral in self:
            referral.display_name = _(
                "%(name)s: %(customer)s to %(agency)s",
                name=referral.name,
                customer=referral.partner_id.name or "",
                agency=referral.agency_id.name or "",
            )

    # Constraints ---------------------------------------------------------------------

    @api.constrains("move_ids", "state")
    def _check_referral_moves(self):
        """A draft refers open invoices only (the mixin checks whose they are)."""
        for referral in self:
            if referral.state != "draft":
                continue
            wrong = referral.move_ids.filtered(
                lambda move: move.payment_state not in OPEN_PAYMENT_STATES
            )
            if wrong:
                raise ValidationError(
                    _(
                        "%(referral)s: only open invoices can be referred; not: "
                        "%(moves)s",
                        referral=referral.name,
                        moves=", ".join(wrong.mapped("display_name")),
                    )
                )
        self._check_not_referred_twice()

    @api.constrains("agency_id")
    def _check_agency(self):
        for referral in self:
            if not referral.agency_id.is_collection_agency:
                raise ValidationError(
                    _(
                        "%(partner)s is not a collection agency (tick 'Collection "
                        "agency' on the contact first).",
                        partner=referral.agency_id.display_name,
                    )
                )

    def _check_not_referred_twice(self):
        """An invoice is in at most one active referral and at most one draft."""
        referrals = self.filtered(
            lambda r: r.state == "draft" or r.state in ACTIVE_STATES
        )
        if not referrals:
            return
        others = self.sudo().search(
            [
                ("move_ids", "in", referrals.move_ids.ids),
                ("state", "in", ("draft",) + ACTIVE_STATES),
            ]
        )
        for referral in referrals:
            group = ("draft",) if referral.state == "draft" else ACTIVE_STATES
            clash = others.filtered(
                lambda o, r=referral, g=group: (
                    o != r and o.state in g and o.move_ids & r.move_ids
                )
            )
            if clash:
                raise ValidationError(
                    _(
                        "%(moves)s already in %(what)s referral %(others)s; an invoice "
                        "is never referred to two agencies at once.",
                        moves=", ".join(
                            (clash.move_ids & referral.move_ids).mapped("display_name")
                        ),
                        what=_("a draft")
                        if referral.state == "draft"
                        else _("an active"),
                        others=", ".join(clash.mapped("name")),
                    )
                )
        in_legal = self.env["ar.legal.case"].sudo()._moves_in_cases(referrals.move_ids)
        if in_legal:
            raise ValidationError(
                _(
                    "%(moves)s are with legal; they cannot be referred to an agency.",
                    moves=", ".join(in_legal.mapped("display_name")),
                )
            )

    # CRUD ----------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            given = [
                name
                for name, default in SYSTEM_FIELDS.items()
                if vals.get(name, default) not in (default, False, None)
            ]
            if given:
                raise UserError(
                    _(
                        "A referral starts as a draft; %(fields)s are set by its "
                        "actions (send, agency update, recall, close), not on "
                        "creation.",
                        fields=", ".join(sorted(given)),
                    )
                )
            # Explicit values, so that no default_* context key can set them.
            vals.update(
                {
                    name: list(default) if isinstance(default, list) else default
                    for name, default in SYSTEM_FIELDS.items()
                }
            )
        agencies = self.env["res.partner"].browse(
            [vals["agency_id"] for vals in vals_list if vals.get("agency_id")]
        )
        terms = {
            agency.id: (agency.agency_commission_rate, agency.agency_minimum_fee)
            for agency in agencies
        }
        for vals in vals_list:
            rate, minimum = terms.get(vals.get("agency_id"), (0.0, 0.0))
            vals.setdefault("commission_rate", rate)
            vals.setdefault("commission_minimum", minimum)
        referrals = super().create(vals_list)
        referrals._sync_lines()
        return referrals

    def write(self, vals):
        if not self._ar_is_unlocked():
            self._check_writable(vals)
        result = super().write(vals)
        if "move_ids" in vals:
            self._sync_lines()
        return result

    def _check_writable(self, vals):
        """write() from outside the referral's own methods: never its state or the
        other fields its actions keep, and no frozen field once sent."""
        guarded = SYSTEM_FIELDS.keys() & vals.keys()
        if guarded:
            raise UserError(
                _(
                    "%(fields)s of a referral change only through its actions "
                    "(send, agency update, recall, close, commission billing).",
                    fields=", ".join(sorted(guarded)),
                )
            )
        frozen = FROZEN_FIELDS & vals.keys()
        locked = self.filtered(lambda r: r.state != "draft")
        if frozen and locked:
            raise UserError(
                _(
                    "%(referrals)s: %(fields)s can only change while the referral "
                    "is a draft.",
                    referrals=", ".join(locked.mapped("name")),
                    fields=", ".join(sorted(frozen)),
                )
            )

    def _ar_case_undeletable_message(self):
        return _(
            "%(referrals)s was sent to the agency and stays for the audit trail; "
            "recall it instead.",
            referrals=", ".join(
                self.filtered(lambda r: r.state != "draft").mapped("name")
            ),
        )

    def _sync_lines(self):
        """One line per invoice, amount referred = what it owes now (drafts)."""
        Line = self.env["ar.agency.referral.line"]
        to_unlink = Line
        vals_list = []
        for referral in self:
            lines_by_move = {line.move_id.id: line for line in referral.line_ids}
            to_unlink |= referral.line_ids.filtered(
                lambda line, r=referral: line.move_id not in r.move_ids
            )
            for move in referral.move_ids:
                if move.id not in lines_by_move:
                    vals_list.append(
                        {
                            "referral_id": referral.id,
                            "move_id": move.id,
                            "amount_referred": move.amount_residual_signed,
                        }
                    )
        to_unlink.unlink()
        Line.create(vals_list)

    def _transition(self, vals):
        """Write guarded fields, for the referral's own methods (after their checks)."""
        return self._ar_write_unlocked(vals)

    # Permissions ---------------------------------------------------------------------

    def _check_manager(self, what):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only a collections manager can %(what)s a referral.", what=what)
            )

    def _check_collections_user(self, what):
        if not self.env.su and not self.env.user.has_group(USER_GROUP):
            raise AccessError(
                _("Only collections users can %(what)s a referral.", what=what)
            )

    # Sending -------------------------------------------------------------------------

    def action_send(self):
        """Send the drafts to their agency: hold, stage ``agency``, pause, case file."""
        self._check_manager(_("send"))
        drafts = self.filtered(lambda r: r.state == "draft")
        if drafts != self:
            raise UserError(
                _(
                    "Only draft referrals can be sent: %(referrals)s.",
                    referrals=", ".join((self - drafts).mapped("name")),
                )
            )
        for referral in self:
            if not referral.move_ids:
                raise UserError(
                    _("%(name)s has no invoice to refer.", name=referral.name)
                )
            email = referral.agency_id.agency_email or referral.agency_id.email
            if not email:
                raise UserError(
                    _(
                        "%(agency)s has no e-mail address to send the case file to.",
                        agency=referral.agency_id.display_name,
                    )
                )
        today = fields.Date.context_today(self)
        # The amount referred is what each invoice owes when it leaves.
        with self._ar_unlocked():
            for line in self.line_ids:
                line.amount_referred = line.move_id.amount_residual_signed
        self._transition({"state": "sent", "date_sent": today})
        self._check_not_referred_twice()
        self._put_on_hold()
        self._create_stage_events(today)
        self.move_ids._ar_reset_collection_schedule()
        for referral in self:
            referral._send_case_file()
        return True

    def _put_on_hold(self):
        """Credit hold released when no invoice is left at the stage ``agency``."""
        stage = self.env["ar.collection.stage"]._get_by_code().get("agency")
        Hold = self.env["ar.credit.hold"]
        for company in self.company_id:
            referrals = self.filtered(lambda r, c=company: r.company_id == c)
            for referral in referrals:
                Hold._hold(
                    referral.partner_id,
                    _(
                        "Referred to %(agency)s (%(name)s)",
                        agency=referral.agency_id.name,
                        name=referral.name,
                    ),
                    source="referral",
                    release_mode="when_paid",
                    company=company,
                    stage_id=stage.id if stage else False,
                )

    def _create_stage_events(self, today):
        """Move the invoices to the stage ``agency``: one done event per invoice."""
        stage = self.env["ar.collection.stage"]._get_by_code()["agency"]
        Event = self.env["ar.collection.event"].sudo()
        vals_list = [
            {
                "move_id": line.move_id.id,
                "partner_id": line.move_id.commercial_partner_id.id,
                "company_id": referral.company_id.id,
                **Event._origin_values("referral", referral),
                "step_code": REFERRAL_STEP,
                "action_kind": "refer_to_agency",
                "stage_id": stage.id,
                "state": "done",
                "date": today,
                "amount_residual": line.move_id.amount_residual,
                "result": _(
                    "Referred to %(agency)s (%(name)s)",
                    agency=referral.agency_id.name,
                    name=referral.name,
                ),
            }
            for referral in self
            for line in referral.line_ids
        ]
        # Events are the collections audit trail, written by the system only.
        Event.create(vals_list)

    def _send_case_file(self):
        """Build the case file and e-mail it to the agency (logged in the chatter)."""
        self.ensure_one()
        attachments = self._generate_case_file()
        template = self.env.ref("ar_collections.mail_template_agency_referral")
        self.message_post_with_source(
            template,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=attachments.ids,
        )

    # Case file -----------------------------------------------------------------------

    def _case_file_data(self):
        """Everything the agency needs, as plain values (PDF, CSV and XLSX share it)."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        contacts = partner.child_ids.filtered(lambda c: c.type != "private")
        types = dict(partner._fields["type"]._description_selection(self.env))
        invoices = [
            {
                "number": line.move_id.name,
                "invoice_date": line.move_id.invoice_date,
                "due_date": line.move_id.invoice_date_due,
                "days_late": line.move_id.collection_days_late,
                "currency": line.move_id.currency_id.name,
                "amount_total": line.move_id.amount_total,
                "amount_residual": line.move_id.amount_residual,
                "amount_referred": line.amount_referred,
                "reference": line.move_id.ref or line.move_id.payment_reference or "",
            }
            for line in self.line_ids.sorted(lambda ln: ln.move_id.invoice_date_due)
        ]
        since = fields.Date.context_today(self) - relativedelta(months=24)
        payments = self.env["account.payment"].search(
            [
                ("partner_id", "in", (partner | partner.child_ids).ids),
                ("partner_type", "=", "customer"),
                ("payment_type", "=", "inbound"),
                ("state", "not in", ("draft", "canceled")),
                ("company_id", "=", self.company_id.id),
                ("date", ">=", since),
            ],
            order="date desc, id desc",
        )
        payment_rows = [
            {
                "date": payment.date,
                "reference": payment.name or "",
                "memo": payment.memo or "",
                "currency": payment.currency_id.name,
                "amount": payment.amount,
                "invoices": ", ".join(payment.reconciled_invoice_ids.mapped("name")),
            }
            for payment in payments
        ]
        return {
            "referral": self,
            "debtor": {
                "name": partner.name,
                "vat": partner.vat or "",
                "company_registry": partner.company_registry or "",
                "address": partner._display_address(without_company=True).replace(
                    "\n", ", "
                ),
                "country": partner.country_id.name or "",
                "email": partner.email or "",
                "phone": partner.phone or partner.mobile or "",
            },
            "addresses": [
                {
                    "type": types.get(c.type, c.type),
                    "name": c.name or "",
                    "address": c._display_address(without_company=True).replace(
                        "\n", ", "
                    ),
                    "email": c.email or "",
                    "phone": c.phone or c.mobile or "",
                    "function": c.function or "",
                }
                for c in contacts
            ],
            "invoices": invoices,
            "payments": payment_rows,
            "history": self._contact_history(partner),
        }

    def _contact_history(self, partner):
        """Collection events, logged contacts, promises and disputes, newest first."""
        rows = []
        events = self.env["ar.collection.event"].search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", self.company_id.id),
                ("state", "=", "done"),
            ]
        )
        for event in events:
            rows.append(
                {
                    "date": event.date,
                    "kind": _("Collection step"),
                    "what": f"{event.step_code} ({event.action_kind or ''})",
                    "invoices": event.move_id.name or "",
                    "detail": event.result or "",
                }
            )
        if "ar.collection.contact" in self.env:
            for contact in self.env["ar.collection.contact"].search(
                [("partner_id", "=", partner.id)]
            ):
                rows.append(
                    {
                        "date": contact.date,
                        "kind": _("Contact"),
                        "what": contact._fields["channel"].convert_to_export(
                            contact.channel, contact
                        )
                        + " / "
                        + contact._fields["outcome"].convert_to_export(
                            contact.outcome, contact
                        ),
                        "invoices": ", ".join(contact.move_ids.mapped("name")),
                        "detail": contact.note or "",
                    }
                )
        if "ar.collection.promise" in self.env:
            for promise in self.env["ar.collection.promise"].search(
                [("partner_id", "=", partner.id)]
            ):
                rows.append(
                    {
                        "date": promise.date_start or promise.date,
                        "kind": _("Promise to pay"),
                        "what": _(
                            "%(amount)s for %(date)s: %(state)s",
                            amount=promise.amount,
                            date=promise.date,
                            state=promise._fields["state"].convert_to_export(
                                promise.state, promise
                            ),
                        ),
                        "invoices": ", ".join(promise.move_ids.mapped("name")),
                        "detail": promise.note or "",
                    }
                )
        if "ar.collection.dispute" in self.env:
            for dispute in self.env["ar.collection.dispute"].search(
                [("partner_id", "=", partner.id)]
            ):
                rows.append(
                    {
                        "date": dispute.date_open,
                        "kind": _("Dispute"),
                        "what": _(
                            "%(reason)s: %(state)s",
                            reason=dispute._fields["reason"].convert_to_export(
                                dispute.reason, dispute
                            ),
                            state=dispute._fields["state"].convert_to_export(
                                dispute.state, dispute
                            ),
                        ),
                        "invoices": ", ".join(dispute.move_ids.mapped("name")),
                        "detail": dispute.description or "",
                    }
                )
        rows.sort(key=lambda row: row["date"] or fields.Date.today(), reverse=True)
        return rows

    def _case_file_csv(self, data):
        """Two CSV files: the invoices (debtor columns repeated) and the history."""
        debtor = data["debtor"]
        invoices = io.StringIO()
        writer = _SafeCsvWriter(invoices)
        writer.writerow(
            [
                "case_reference",
                "debtor_name",
                "vat",
                "company_registry",
                "address",
                "country",
                "email",
                "phone",
                "invoice_number",
                "reference",
                "invoice_date",
                "due_date",
                "days_late",
                "currency",
                "amount_total",
                "amount_residual",
                "amount_referred",
            ]
        )
        for invoice in data["invoices"]:
            writer.writerow(
                [
                    self.name,
                    debtor["name"],
                    debtor["vat"],
                    debtor["company_registry"],
                    debtor["address"],
                    debtor["country"],
                    debtor["email"],
                    debtor["phone"],
                    invoice["number"],
                    invoice["reference"],
                    invoice["invoice_date"],
                    invoice["due_date"],
                    invoice["days_late"],
                    invoice["currency"],
                    invoice["amount_total"],
                    invoice["amount_residual"],
                    invoice["amount_referred"],
                ]
            )
        history = io.StringIO()
        writer = _SafeCsvWriter(history)
        writer.writerow(
            ["case_reference", "date", "type", "what", "invoices", "amount", "detail"]
        )
        for payment in data["payments"]:
            writer.writerow(
                [
                    self.name,
                    payment["date"],
                    "payment",
                    payment["reference"],
                    payment["invoices"],
                    payment["amount"],
                    payment["memo"],
                ]
            )
        for row in data["history"]:
            writer.writerow(
                [
                    self.name,
                    row["date"],
                    row["kind"],
                    row["what"],
                    row["invoices"],
                    "",
                    row["detail"],
                ]
            )
        return invoices.getvalue(), history.getvalue()

    def _case_file_xlsx(self, data):
        import xlsxwriter

        output = io.BytesIO()
        # Customer text is never a formula, a link or a number: cells are typed by
        # their Python value, and text is written as text.
        workbook = xlsxwriter.Workbook(
            output,
            {
                "in_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})

        def sheet(name, header, rows):
            worksheet = workbook.add_worksheet(name)
            worksheet.write_row(0, 0, header, bold)
            for row_index, row in enumerate(rows, start=1):
                for col, value in enumerate(row):
                    if hasattr(value, "isoformat"):
                        worksheet.write_datetime(
                            row_index,
                            col,
                            fields.Datetime.to_datetime(value),
                            date_format,
                        )
                    elif isinstance(value, bool) or value is None:
                        worksheet.write_blank(row_index, col, None)
                    elif isinstance(value, int | float):
                        worksheet.write_number(row_index, col, value)
                    else:
                        worksheet.write_string(row_index, col, str(value))
            worksheet.set_column(0, len(header) - 1, 18)

        debtor = data["debtor"]
        sheet(
            "Debtor",
            ["Field", "Value"],
            [
                ["Case reference", self.name],
                ["Legal name", debtor["name"]],
                ["VAT", debtor["vat"]],
                ["Company registry", debtor["company_registry"]],
                ["Address", debtor["address"]],
                ["Country", debtor["country"]],
                ["E-mail", debtor["email"]],
                ["Phone", debtor["phone"]],
                ["Amount referred", self.amount_referred],
                ["Currency", self.currency_id.name],
            ]
            + [
                [
                    f"Contact: {c['type']}",
                    f"{c['name']} {c['address']} {c['email']} {c['phone']}".strip(),
                ]
                for c in data["addresses"]
            ],
        )
        sheet(
            "Invoices",
            [
                "Invoice",
                "Reference",
                "Invoice date",
                "Due date",
                "Days late",
                "Currency",
                "Total",
                "Residual",
                "Referred",
            ],
            [
                [
                    i["number"],
                    i["reference"],
                    i["invoice_date"],
                    i["due_date"],
                    i["days_late"],
                    i["currency"],
                    i["amount_total"],
                    i["amount_residual"],
                    i["amount_referred"],
                ]
                for i in data["invoices"]
            ],
        )
        sheet(
            "Payments",
            ["Date", "Payment", "Memo", "Currency", "Amount", "Invoices"],
            [
                [
                    p["date"],
                    p["reference"],
                    p["memo"],
                    p["currency"],
                    p["amount"],
                    p["invoices"],
                ]
                for p in data["payments"]
            ],
        )
        sheet(
            "Contact history",
            ["Date", "Type", "What", "Invoices", "Detail"],
            [
                [h["date"], h["kind"], h["what"], h["invoices"], h["detail"]]
                for h in data["history"]
            ],
        )
        workbook.close()
        return output.getvalue()

    def _generate_case_file(self):
        """Case-file attachments on the referral: PDF summary, CSV/XLSX per the
        agency's format, and the invoice PDFs (Odoo's own invoice report)."""
        self.ensure_one()
        data = self._case_file_data()
        file_format = self.agency_id.agency_case_file_format or "csv_xlsx"
        Attachment = self.env["ir.attachment"]
        vals_list = []
        summary = self.env["ir.actions.report"]._render_qweb_pdf(
            "ar_collections.action_report_agency_case_file", self.ids
        )[0]
        vals_list.append((f"{self.name} case file.pdf", summary, "application/pdf"))
        if file_format in ("csv", "csv_xlsx"):
            invoices_csv, history_csv = self._case_file_csv(data)
            vals_list.append(
                (f"{self.name} invoices.csv", invoices_csv.encode(), "text/csv")
            )
            vals_list.append(
                (f"{self.name} history.csv", history_csv.encode(), "text/csv")
            )
        if file_format in ("xlsx", "csv_xlsx"):
            vals_list.append(
                (
                    f"{self.name} case file.xlsx",
                    self._case_file_xlsx(data),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
            )
        for move in self.move_ids:
            content = self.env["ir.actions.report"]._render_qweb_pdf(
                "account.account_invoices", move.ids
            )[0]
            vals_list.append(
                (f"{move.name.replace('/', '_')}.pdf", content, "application/pdf")
            )
        attachments = Attachment.create(
            [
                {
                    "name": name,
                    "datas": base64.b64encode(content),
                    "mimetype": mimetype,
                    "res_model": self._name,
                    "res_id": self.id,
                }
                for name, content, mimetype in vals_list
            ]
        )
        self._transition({"attachment_ids": [Command.link(a.id) for a in attachments]})
        return attachments

    def action_generate_case_file(self):
        """Build the case file again (e.g. to download it); nothing is sent."""
        self.ensure_one()
        self._generate_case_file()
        return True

    def action_print_case_file(self):
        report = self.env.ref("ar_collections.action_report_agency_case_file")
        return report.report_action(self)

    # Agency updates ------------------------------------------------------------------

    def _apply_agency_update(
        self, status, amount_collected=None, note=None, source="manual"
    ):
        """One status update from the agency (validated by the caller)."""
        self.ensure_one()
        self._check_collections_user(_("record an agency update on"))
        values = {"date": fields.Date.context_today(self)}
        previous = self.amount_collected_agency
        if amount_collected is not None and float_compare(
            amount_collected, previous, precision_rounding=self.currency_id.rounding
        ):
            self._transition({"amount_collected_agency": amount_collected})
        self.env["ar.agency.referral.update"].create(
            {
                "referral_id": self.id,
                "status": status,
                "amount_collected": self.amount_collected_agency,
                "note": note or False,
                "source": source,
                **values,
            }
        )
        if status in CLOSING_STATUSES:
            self._close(CLOSING_STATUSES[status], note=note)
        elif status != self.state and self.state in ACTIVE_STATES:
            self._transition({"state": status})
            self.message_post(
                body=_(
                    "Agency update: %(status)s%(note)s",
                    status=dict(AGENCY_STATUSES)[status],
                    note=f" ({note})" if note else "",
                ),
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _validate_agency_update(self, referral, status, amount_collected):
        """The problems of one update, as a list of texts (empty: fine)."""
        problems = []
        if not referral:
            return [_("unknown case reference")]
        if referral.state not in ACTIVE_STATES:
            problems.append(
                _(
                    "case %(name)s is %(state)s, not with the agency",
                    name=referral.name,
                    state=dict(REFERRAL_STATES)[referral.state],
                )
            )
        if status not in dict(AGENCY_STATUSES):
            problems.append(
                _(
                    "unknown status '%(status)s' (expected one of %(statuses)s)",
                    status=status,
                    statuses=", ".join(dict(AGENCY_STATUSES)),
                )
            )
        if amount_collected is not None:
            if not math.isfinite(amount_collected):
                problems.append(
                    _(
                        "amount collected '%(amount)s' is not a finite number",
                        amount=amount_collected,
                    )
                )
            elif amount_collected < 0:
                problems.append(_("negative amount collected"))
            elif (
                float_compare(
                    amount_collected,
                    referral.amount_referred,
                    precision_rounding=referral.currency_id.rounding,
                )
                > 0
            ):
                problems.append(
                    _(
                        "amount collected %(amount)s is over the referred balance "
                        "%(referred)s",
                        amount=amount_collected,
                        referred=referral.amount_referred,
                    )
                )
        return problems

    @api.model
    def _find_by_case_reference(self, references):
        """{reference: referral} for our references and the agency's."""
        references = [ref for ref in references if ref]
        referrals = self.search(
            [
                "|",
                ("name", "in", references),
                ("agency_case_reference", "in", references),
            ]
        )
        found = {}
        for referral in referrals:
            found.setdefault(referral.name, referral)
            if referral.agency_case_reference:
                found.setdefault(referral.agency_case_reference, referral)
        return found

    # Closing, recall, recoveries -----------------------------------------------------

    def _close(self, reason, note=None, defer_billing=False):
        """Close with ``reason``; propose a write-off of what is still owed when the
        agency returns the case, and bill the commission (per-referral agencies)."""
        today = fields.Date.context_today(self)
        for referral in self:
            with referral._ar_unlocked():
                referral.line_ids._freeze()
            referral._transition(
                {"state": "closed", "close_reason": reason, "date_closed": today}
            )
            referral.message_post(
                body=_(
                    "Closed: %(reason)s. Recovered %(recovered)s of %(referred)s; "
                    "commission %(commission)s.%(note)s",
                    reason=dict(CLOSE_REASONS)[reason],
                    recovered=referral.amount_recovered,
                    referred=referral.amount_referred,
                    commission=referral.commission_amount,
                    note=f" {note}" if note else "",
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.filtered(
            lambda r: r.close_reason in ("returned", "partial")
        )._propose_write_off()
        to_bill = self.filtered(lambda r: r.agency_id.agency_billing_mode != "period")
        if not to_bill:
            return
        if not defer_billing:
            to_bill._bill_commission()
            return
        # Closed by a payment, in the middle of a reconciliation that keeps invoices
        # from being synchronised: bill once it is done, before the commit.
        env, ids = self.env, to_bill.ids

        @env.cr.precommit.add
        def bill_commission():
            # sudo: a system bill that follows the payment, whoever registered it.
            env["ar.agency.referral"].sudo().with_context(self._plain_context()).browse(
                ids
            )._bill_commission()
            env.flush_all()

    def action_close_recovered(self):
        self._check_manager(_("close"))
        self._check_active()
        self._close("recovered")
        return True

    def _check_active(self):
        inactive = self.filtered(lambda r: r.state not in ACTIVE_STATES)
        if inactive:
            raise UserError(
                _(
                    "%(referrals)s: not with an agency (sent, acknowledged or "
                    "collecting).",
                    referrals=", ".join(inactive.mapped("name")),
                )
            )

    def action_close_returned(self, reason=None):
        """The agency gives the case back: close, propose a write-off."""
        self._check_manager(_("close"))
        self._check_active()
        self._close("returned", note=reason)
        return True

    def _propose_write_off(self):
        for referral in self:
            moves = referral.move_ids.filtered(
                lambda m: m.payment_state in OPEN_PAYMENT_STATES
            )
            if not moves:
                continue
            requests = self.env["ar.write.off.request"]._create_for_moves(
                moves,
                reason="agency_returned",
                note=_(
                    "%(agency)s returned %(name)s: %(reason)s. Still owed: "
                    "%(residual)s.",
                    agency=referral.agency_id.name,
                    name=referral.name,
                    reason=dict(CLOSE_REASONS)[referral.close_reason],
                    residual=referral.amount_residual,
                ),
            )
            if requests:
                referral._transition(
                    {"write_off_request_ids": [Command.link(r.id) for r in requests]}
                )
                referral.message_post(
                    body=_(
                        "Write-off proposed for the remaining balance: %(requests)s",
                        requests=", ".join(requests.mapped("name")),
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    def action_recall(self, reason):
        """Take the case back from the agency; the invoices return to the ladder."""
        self._check_manager(_("recall"))
        if not (reason or "").strip():
            raise UserError(_("Recalling a referral needs a reason."))
        wrong = self.filtered(lambda r: r.state not in ("draft",) + ACTIVE_STATES)
        if wrong:
            raise UserError(
                _(
                    "%(referrals)s cannot be recalled: only draft or active referrals.",
                    referrals=", ".join(wrong.mapped("name")),
                )
            )
        today = fields.Date.context_today(self)
        sent = self.filtered(lambda r: r.state in ACTIVE_STATES)
        with sent._ar_unlocked():
            sent.line_ids._freeze()
        self._transition(
            {"state": "recalled", "recall_reason": reason.strip(), "date_closed": today}
        )
        for referral in self:
            referral.message_post(
                body=_(
                    "Recalled from %(agency)s: %(reason)s",
                    agency=referral.agency_id.name,
                    reason=reason.strip(),
                ),
                subtype_xmlid="mail.mt_note",
            )
        sent._create_recall_events(today)
        sent.move_ids._ar_reset_collection_schedule()
        return True

    def _create_recall_events(self, today):
        """Back to the stage the invoice had before the referral."""
        stages = self.env["ar.collection.stage"]._get_by_code()
        leaving = {stages["agency"].id, stages["legal"].id}
        Event = self.env["ar.collection.event"].sudo()
        vals_list = []
        for referral in self:
            for move in referral.move_ids:
                before = max(
                    (
                        event
                        for event in move.collection_event_ids
                        if event.state == "done"
                        and event.stage_id
                        and event.stage_id.id not in leaving
                    ),
                    key=lambda event: (event.date, event.id),
                    default=None,
                )
                stage = before.stage_id if before else stages["current"]
                vals_list.append(
                    {
                        "move_id": move.id,
                        "partner_id": move.commercial_partner_id.id,
                        "company_id": referral.company_id.id,
                        **Event._origin_values("referral", referral),
                        "step_code": RECALL_STEP,
                        "action_kind": "refer_to_agency",
                        "stage_id": stage.id,
                        "state": "done",
                        "date": today,
                        "amount_residual": move.amount_residual,
                        "result": _(
                            "Recalled from %(agency)s (%(name)s): %(reason)s",
                            agency=referral.agency_id.name,
                            name=referral.name,
                            reason=referral.recall_reason,
                        ),
                    }
                )
        self.env["ar.collection.event"].sudo().create(vals_list)

    @api.model
    def _on_invoices_paid(self, moves):
        """Invoices fully paid: referrals whose invoices are all paid are recovered."""
        referrals = self.sudo().search(
            [("move_ids", "in", moves.ids), ("state", "in", ACTIVE_STATES)]
        )
        done = referrals.filtered(
            lambda r: all(m.payment_state in PAID_PAYMENT_STATES for m in r.move_ids)
        )
        if done:
            # sudo: closing follows from a payment registered by an accountant who
            # need not be a collections manager; only these referrals are touched.
            done._close(
                "recovered", note=_("All invoices are paid."), defer_billing=True
            )

    @api.model
    def _plain_context(self):
        keep = ("lang", "tz", "allowed_company_ids")
        return {key: self.env.context[key] for key in keep if key in self.env.context}

    # Commission ----------------------------------------------------------------------

    def _bill_commission(self):
        """Draft vendor bill(s) to the agency for the commission not billed yet.

        One bill per agency and company, one line per referral; the line account is
        the company's commission account setting, else the purchase journal default
        (Odoo's default for a bill line without product). No tax is set.
        """
        todo = self.filtered(lambda r: not r.currency_id.is_zero(r.commission_to_bill))
        groups = defaultdict(lambda: self.browse())
        for referral in todo:
            groups[(referral.company_id, referral.agency_id)] |= referral
        bills = self.env["account.move"]
        for (company, agency), referrals in groups.items():
            account = company.ar_agency_commission_account_id
            line_vals = [
                {
                    "name": _(
                        "Collection commission %(name)s (%(customer)s): %(rate)s%% of "
                        "%(recovered)s recovered",
                        name=referral.name,
                        customer=referral.partner_id.name,
                        rate=referral.commission_rate,
                        recovered=referral.amount_recovered,
                    ),
                    "quantity": 1,
                    "price_unit": referral.commission_to_bill,
                    "tax_ids": [Command.clear()],
                    **({"account_id": account.id} if account else {}),
                }
                for referral in referrals
            ]
            bill = (
                self.env["account.move"]
                .with_context(self._plain_context())
                .with_company(company)
                .create(
                    {
                        "move_type": "in_invoice",
                        "partner_id": agency.id,
                        "company_id": company.id,
                        "invoice_date": fields.Date.context_today(self),
                        "currency_id": company.currency_id.id,
                        "ref": ", ".join(referrals.mapped("name")),
                        "invoice_line_ids": [Command.create(v) for v in line_vals],
                    }
                )
            )
            for referral in referrals:
                referral._transition(
                    {
                        "commission_billed": referral.commission_billed
                        + referral.commission_to_bill,
                        "commission_move_ids": [Command.link(bill.id)],
                    }
                )
                referral.message_post(
                    body=_("Commission billed: %(bill)s", bill=bill.display_name),
                    subtype_xmlid="mail.mt_note",
                )
            bills |= bill
        return bills

    def action_bill_commission(self):
        self._check_manager(_("bill the commission of"))
        bills = self._bill_commission()
        if not bills:
            raise UserError(_("No commission left to bill."))
        return self._open_moves(bills, _("Commission bills"))

    @api.model
    def _cron_bill_commissions(self):
        """Monthly: one bill per agency billed per period, for the commission due."""
        referrals = self.search(
            [
                ("state", "in", PAUSING_STATES),
                ("agency_id.agency_billing_mode", "=", "period"),
                ("commission_amount", ">", 0),
            ]
        )
        return referrals._bill_commission()

    # Legal ---------------------------------------------------------------------------

    def action_send_to_legal(self):
        """Escalate the case to legal: the referral is recalled, a legal case opens."""
        self.ensure_one()
        self._check_manager(_("escalate"))
        moves = self.move_ids.filtered(lambda m: m.payment_state in OPEN_PAYMENT_STATES)
        if not moves:
            raise UserError(_("%(name)s: nothing left to claim.", name=self.name))
        if self.state in ("draft",) + ACTIVE_STATES:
            self.action_recall(_("Escalated to legal"))
        case = self.env["ar.legal.case"]._open_cases(
            self.partner_id, moves, referral=self
        )
        return case._open_form()

    # Views ---------------------------------------------------------------------------

    def _open_moves(self, moves, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "account.move",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", moves.ids)],
        }

    def action_view_invoices(self):
        self.ensure_one()
        return self._open_moves(self.move_ids, _("Referred invoices"))

    def action_view_commission_bills(self):
        self.ensure_one()
        return self._open_moves(self.commission_move_ids, _("Commission bills"))

    def action_open_update_wizard(self):
        return self.env["ar.agency.update.wizard"]._open_for(self)

    def action_open_recall_wizard(self):
        return self.env["ar.agency.close.wizard"]._open_for(self, "recall")

    def action_open_return_wizard(self):
        return self.env["ar.agency.close.wizard"]._open_for(self, "returned")

    # Ladder --------------------------------------------------------------------------

    def _ar_pause_span(self, move, today):
        """Held from sending until a recall (closed cases stay with the agency)."""
        self.ensure_one()
        if self.state not in self._ar_pausing_states:
            return None
        return (self.date_sent or today, None)

    @api.model
    def _paused_by_referral(self, moves, today):
        """{move_id: None} for the invoices a referral holds (see ``_ar_pauses``)."""
        return dict.fromkeys(self._ar_pauses(moves, today))

    @api.model
    def _ar_ladder_action(self, customer_actions):
        """Ladder action ``refer_to_agency: {agency, confirm}``: a draft referral per
        customer for the invoices that took the step (sent at once with confirm)."""
        outcomes = {}
        taken = self._moves_in_referrals(
            self.env["account.move"].union(*(a.moves for a in customer_actions))
        )
        in_legal = (
            self.env["ar.legal.case"]
            .sudo()
            ._moves_in_cases(
                self.env["account.move"].union(*(a.moves for a in customer_actions))
            )
        )
        creating = []
        for customer_action in customer_actions:
            company = customer_action.ladder.company_id
            code = customer_action.action.params["agency"]
            agency = self.env["res.partner"]._ar_find_agency(code, company)
            if not agency:
                outcomes[customer_action] = {
                    "state": "failed",
                    "result": _(
                        "No collection agency '%(code)s' (agency: default needs a "
                        "default agency in the Collections settings)",
                        code=code,
                    ),
                }
                continue
            moves = customer_action.moves - taken - in_legal
            if not moves:
                outcomes[customer_action] = {
                    "state": "done",
                    "result": _("Already referred or with legal"),
                }
                continue
            creating.append((customer_action, agency, moves))
        referrals = self.create(
            [
                {
                    "company_id": customer_action.ladder.company_id.id,
                    "partner_id": customer_action.partner.id,
                    "agency_id": agency.id,
                    "move_ids": [Command.set(moves.ids)],
                    "note": _(
                        "Referred by the dunning ladder %(ladder)s, step %(step)s.",
                        ladder=customer_action.ladder.name,
                        step=customer_action.step.code,
                    ),
                }
                for customer_action, agency, moves in creating
            ]
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        to_confirm = []
        for (customer_action, agency, _moves), referral in zip(
            creating, referrals, strict=True
        ):
            if customer_action.action.params.get("confirm"):
                referral.action_send()
                result = _(
                    "Referral %(name)s sent to %(agency)s",
                    name=referral.name,
                    agency=agency.name,
                )
            else:
                to_confirm.append((customer_action, referral))
                result = _(
                    "Draft referral %(name)s to %(agency)s, to confirm",
                    name=referral.name,
                    agency=agency.name,
                )
            outcomes[customer_action] = {"state": "done", "result": result}
        model_id = self.env["ir.model"]._get_id(self._name)
        confirmers = {
            company: self._confirming_user(company) for company in referrals.company_id
        }
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": referral.id,
                    "activity_type_id": todo.id,
                    "summary": _("Confirm the agency referral"),
                    "date_deadline": customer_action.today,
                    "user_id": confirmers[referral.company_id].id,
                }
                for customer_action, referral in to_confirm
            ]
        )
        return outcomes

    @api.model
    def _confirming_user(self, company):
        """Who confirms ladder-made referrals: the default agency's responsible
        setting, else a collections manager of the company, else the current user."""
        if company.ar_agency_manager_id:
            return company.ar_agency_manager_id
        manager = self.env["res.users"].search(
            [
                ("groups_id", "in", self.env.ref(MANAGER_GROUP).id),
                ("company_ids", "in", company.id),
                ("share", "=", False),
                ("id", "!=", self.env.ref("base.user_root").id),
            ],
            order="id",
            limit=1,
        )
        return manager or self.env.user

    @api.model
    def _moves_in_referrals(self, moves, states=("draft",) + ACTIVE_STATES):
        referrals = self.sudo().search(
            [("move_ids", "in", moves.ids), ("state", "in", states)]
        )
        return moves & referrals.move_ids

from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_round

from .account_move import OPEN_PAYMENT_STATES, PAID_PAYMENT_STATES

PLAN_STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("completed", "Completed"),
    ("breached", "Breached"),
]
MANAGER_GROUP = "ar_collections.group_collections_manager"
# What the customer agreed to: fixed once the plan is active.
AGREEMENT_FIELDS = frozenset(
    {
        "partner_id",
        "company_id",
        "move_ids",
        "amount_total",
        "interest_rate",
        "instalment_ids",
        "instalment_count",
        "interval_days",
        "first_date",
    }
)


class ArPaymentPlan(models.Model):
    """A customer's overdue balance split into instalments.

    Active, it pauses the ladder for its invoices. What was paid on those invoices
    since the plan started is allocated to the instalments in date order; the day
    after an instalment date that is not covered, the plan is breached (activity
    for the collector, the ladder resumes); once everything is paid it is completed.
    Interest (if any) is stated on the agreement and charged separately: the
    instalments split the invoices' balance.

    A collector drafts the plan; a collections manager activates it
    (``action_activate``), which is what pauses the ladder. From then on what the
    customer agreed to (invoices, amounts, instalments) is fixed, and the state
    changes only through the daily check (completed or breached).
    """

    _name = "ar.payment.plan"
    _description = "Payment plan"
    _inherit = ["ar.collection.case.mixin"]
    _order = "date_start desc, id desc"

    _ar_case_deletable_states = ("draft",)
    _ar_pausing_states = ("active",)
    _ar_pause_shifts_ladder = True
    _ar_case_workflow_fields = frozenset(
        {"state", "date_start", "date_end", "followed_up"}
    )
    _ar_case_frozen_fields = AGREEMENT_FIELDS
    _ar_case_editable_states = ("draft",)

    name = fields.Char(
        required=True, default=lambda self: _("Payment plan"), tracking=True
    )
    move_ids = fields.Many2many(
        "account.move",
        "ar_payment_plan_move_rel",
        "plan_id",
        "move_id",
        string="Invoices",
        domain="[('commercial_partner_id', '=', partner_id),"
        " ('move_type', '=', 'out_invoice'),"
        " ('state', '=', 'posted'), ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    state = fields.Selection(
        PLAN_STATES,
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
    )
    date_start = fields.Date(
        string="Active since",
        readonly=True,
        copy=False,
        help="Set on activation: payments on the invoices from this day on count "
        "towards the instalments.",
    )
    date_end = fields.Date(
        string="Ended on", readonly=True, copy=False, help="When completed or breached."
    )
    amount_total = fields.Monetary(
        string="Balance covered",
        currency_field="currency_id",
        help="What the invoices owe; taken again when the plan is activated.",
    )
    interest_rate = fields.Float(string="Interest (% per year)", digits=(16, 2))
    interest_amount = fields.Monetary(
        string="Interest",
        compute="_compute_interest_amount",
        currency_field="currency_id",
    )
    guarantee_notes = fields.Text(string="Guarantees")
    instalment_count = fields.Integer(string="Number of instalments", default=3)
    interval_days = fields.Integer(string="Every (days)", default=30)
    first_date = fields.Date(string="First instalment on")
    instalment_ids = fields.One2many(
        "ar.payment.plan.instalment", "plan_id", string="Instalments", copy=True
    )
    amount_paid = fields.Monetary(
        string="Paid so far",
        compute="_compute_amount_paid",
        currency_field="currency_id",
    )
    customer_confirmed = fields.Boolean(
        string="Confirmed in writing",
        tracking=True,
        copy=False,
        help="The customer returned the signed agreement.",
    )
    followed_up = fields.Boolean(
        readonly=True,
        copy=False,
        help="A contact was logged with the customer after the plan was breached.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Agreed by",
        default=lambda self: self.env.user,
        tracking=True,
    )

    @api.onchange("move_ids")
    def _onchange_move_ids(self):
        for plan in self.filtered(lambda p: p.state == "draft"):
            plan.amount_total = sum(plan.move_ids.mapped("amount_residual_signed"))

    @api.depends("amount_total", "interest_rate", "instalment_ids.date", "date_start")
    def _compute_interest_amount(self):
        """Simple interest on the declining balance, instalment by instalment."""
        for plan in self:
            interest = 0.0
            balance = plan.amount_total
            previous = plan.date_start or fields.Date.context_today(plan)
            for instalment in plan.instalment_ids.sorted(lambda i: (i.date, i.id)):
                if instalment.date and previous:
                    days = max((instalment.date - previous).days, 0)
                    interest += balance * plan.interest_rate / 100.0 * days / 365.0
                    previous = instalment.date
                balance -= instalment.amount
            plan.interest_amount = (
                plan.currency_id.round(interest) if plan.currency_id else interest
            )

    @api.depends("move_ids.amount_residual_signed", "amount_total", "state")
    def _compute_amount_paid(self):
        for plan in self:
            if plan.state == "draft":
                plan.amount_paid = 0.0
                continue
            remaining = sum(plan.move_ids.mapped("amount_residual_signed"))
            plan.amount_paid = max(plan.amount_total - remaining, 0.0)

    def _ar_case_undeletable_message(self):
        return _("Only a draft payment plan can be deleted.")

    def _ar_case_frozen_message(self):
        return _(
            "the customer agreed to it; once a plan is active its invoices, amounts "
            "and instalments stay as agreed."
        )

    # Instalments ---------------------------------------------------------------------

    def action_compute_instalments(self):
        """Split the balance into N equal instalments every M days (last one rounds)."""
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    _("Instalments can only be recomputed on a draft plan.")
                )
            if plan.instalment_count < 1 or plan.interval_days < 1:
                raise UserError(
                    _(
                        "A payment plan needs at least one instalment and an "
                        "interval of at "
                        "least one day."
                    )
                )
            if not plan.move_ids:
                raise UserError(_("Choose the invoices the plan covers first."))
            plan.amount_total = total = sum(
                plan.move_ids.mapped("amount_residual_signed")
            )
            count = plan.instalment_count
            share = float_round(
                total / count, precision_rounding=plan.currency_id.rounding
            )
            start = fields.Date.context_today(plan)
            first = plan.first_date or start + timedelta(days=plan.interval_days)
            commands = [Command.clear()]
            for index in range(count):
                amount = share if index < count - 1 else total - share * (count - 1)
                commands.append(
                    Command.create(
                        {
                            "sequence": index + 1,
                            "date": first + timedelta(days=plan.interval_days * index),
                            "amount": amount,
                        }
                    )
                )
            plan.instalment_ids = commands
        return True

    def action_activate(self):
        """The customer agreed: the plan pauses the ladder for its invoices.
        Collections managers only."""
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only a collections manager can activate a payment plan.")
            )
        self.check_access("write")
        today = fields.Date.context_today(self)
        for plan in self:
            if plan.state != "draft":
                raise UserError(_("Only a draft plan can be activated."))
            plan.amount_total = sum(plan.move_ids.mapped("amount_residual_signed"))
            if not plan.move_ids.filtered(
                lambda m: m.payment_state in OPEN_PAYMENT_STATES
            ):
                raise UserError(_("The plan covers no open invoice."))
            if not plan.instalment_ids:
                raise UserError(
                    _("The plan has no instalments: compute or enter them.")
                )
            total = sum(plan.instalment_ids.mapped("amount"))
            if float_compare(
                total, plan.amount_total, precision_rounding=plan.currency_id.rounding
            ):
                raise UserError(
                    _(
                        "The instalments add up to %(total)s but the plan covers "
                        "%(balance)s: they must match.",
                        total=total,
                        balance=plan.amount_total,
                    )
                )
            if min(plan.instalment_ids.mapped("date")) < today:
                raise UserError(
                    _("An instalment falls in the past: move it or recompute.")
                )
        self._ar_write_unlocked({"state": "active", "date_start": today})
        self.move_ids._ar_reset_collection_schedule()
        return True

    def action_send(self):
        """Open the composer with the agreement (PDF) attached, to be confirmed."""
        self.ensure_one()
        template = self.env.ref("ar_collections.mail_template_payment_plan")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "force_email": True,
            },
        }

    def _allocation(self):
        """{instalment_id: paid amount}: payments since the start, in date order."""
        allocation = {}
        for plan in self:
            left = plan.amount_paid
            for instalment in plan.instalment_ids.sorted(
                lambda i: (i.date, i.sequence, i.id)
            ):
                allocation[instalment.id] = min(instalment.amount, max(left, 0.0))
                left -= instalment.amount
        return allocation

    @api.model
    def _check_active_plans(self, company, today):
        """Complete the paid plans, breach those with an instalment missed before
        ``today``. Returns (completed, breached)."""
        plans = self.search([("state", "=", "active"), ("company_id", "=", company.id)])
        if not plans:
            return self.browse(), self.browse()
        allocation = plans._allocation()
        completed = self.browse()
        breached = self.browse()
        for plan in plans:
            rounding = plan.currency_id.rounding
            if all(m.payment_state in PAID_PAYMENT_STATES for m in plan.move_ids) or (
                float_compare(
                    plan.amount_paid, plan.amount_total, precision_rounding=rounding
                )
                >= 0
            ):
                completed |= plan
                continue
            missed = [
                instalment
                for instalment in plan.instalment_ids
                if instalment.date < today
                and float_compare(
                    allocation[instalment.id],
                    instalment.amount,
                    precision_rounding=rounding,
                )
                < 0
            ]
            if missed:
                breached |= plan
        if completed:
            completed._ar_write_unlocked({"state": "completed", "date_end": today})
        if breached:
            breached._ar_write_unlocked({"state": "breached", "date_end": today})
            breached._notify_breach()
        (completed | breached).move_ids._ar_reset_collection_schedule()
        return completed, breached

    def _notify_breach(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        partner_model = self.env["ir.model"]._get_id("res.partner")
        vals_list = [
            {
                "res_model_id": partner_model,
                "res_id": plan.partner_id.id,
                "activity_type_id": todo.id,
                "summary": _("Payment plan breached"),
                "note": _(
                    "%(plan)s: an instalment was missed (%(paid)s paid of %(total)s).",
                    plan=plan.name,
                    paid=plan.amount_paid,
                    total=plan.amount_total,
                ),
                "date_deadline": plan.date_end,
                "user_id": (
                    plan.partner_id.collector_id or plan.user_id or self.env.user
                ).id,
            }
            for plan in self
        ]
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            vals_list
        )

    @api.model
    def _mark_followed_up(self, partners):
        breached = self.search(
            [
                ("partner_id", "in", partners.commercial_partner_id.ids),
                ("state", "=", "breached"),
                ("followed_up", "=", False),
            ]
        )
        if breached:
            breached._ar_write_unlocked({"followed_up": True})

    # Ladder pause ---------------------------------------------------------------------

    def _ar_pause_span(self, move, today):
        """From activation to the day before it was completed or breached."""
        self.ensure_one()
        if self.state == "draft" or not self.date_start:
            return None
        if not self.date_end:
            return (self.date_start, None)
        return (self.date_start, self.date_end - timedelta(days=1))

from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..ladder.pauses import latest_promise_states
from .account_move import OPEN_PAYMENT_STATES, PAID_PAYMENT_STATES

PROMISE_STATES = [("open", "Open"), ("kept", "Kept"), ("broken", "Broken")]
MANAGER_GROUP = "ar_collections.group_collections_manager"


class ArCollectionPromise(models.Model):
    """A customer's promise to pay an amount by a date for some invoices.

    While open, the ladder pauses those invoices until the promise date plus the
    ladder's ``promise_grace_days``. The morning after that day (daily check, and at
    the start of every run) the promise is kept if what was paid on its invoices
    since it was made covers the amount (or they are all paid), else broken: the
    collector gets a "Broken promise" activity and the ladder resumes, jumping to the
    ladder's ``on_broken_promise`` step when there is one.

    A promise is recorded as the customer made it: its invoices, amount and dates
    never change afterwards (a new date is a new promise), and its state changes
    only through the daily check. Only a collections manager records a promise
    made before today (a backdated promise would push the ladder back).
    """

    _name = "ar.collection.promise"
    _description = "Promise to pay"
    _inherit = ["ar.collection.case.mixin"]
    _order = "date desc, id desc"

    _ar_case_deletable_states = ("open",)
    _ar_pausing_states = ("open",)
    _ar_pause_shifts_ladder = True
    _ar_case_workflow_fields = frozenset(
        {"state", "date_closed", "residual_start", "followed_up"}
    )
    _ar_case_frozen_fields = frozenset(
        {"partner_id", "company_id", "move_ids", "amount", "date", "date_start"}
    )

    move_ids = fields.Many2many(
        "account.move",
        "ar_collection_promise_move_rel",
        "promise_id",
        "move_id",
        string="Invoices",
        required=True,
        domain="[('commercial_partner_id', '=', partner_id),"
        " ('move_type', '=', 'out_invoice'),"
        " ('state', '=', 'posted'), ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    amount = fields.Monetary(required=True, tracking=True, currency_field="currency_id")
    date = fields.Date(string="Promised for", required=True, tracking=True, index=True)
    state = fields.Selection(
        PROMISE_STATES,
        required=True,
        default="open",
        tracking=True,
        index=True,
        copy=False,
    )
    date_start = fields.Date(
        string="Made on",
        required=True,
        default=lambda self: fields.Date.context_today(self),
        help="First day the promise pauses the ladder.",
    )
    date_closed = fields.Date(
        string="Closed on", readonly=True, copy=False, help="When found kept or broken."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Taken by",
        default=lambda self: self.env.user,
        readonly=True,
    )
    collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        index=True,
        help="The customer's collector when the promise was made (kept/broken rates).",
    )
    contact_id = fields.Many2one(
        "ar.collection.contact", string="Logged contact", readonly=True
    )
    residual_start = fields.Monetary(
        string="Owed when promised",
        readonly=True,
        copy=False,
        currency_field="currency_id",
        help="What the promised invoices still owed when the promise was made.",
    )
    amount_paid = fields.Monetary(
        string="Paid since",
        compute="_compute_amount_paid",
        currency_field="currency_id",
    )
    followed_up = fields.Boolean(
        readonly=True,
        copy=False,
        help="A contact was logged with the customer after the promise was broken.",
    )
    kept_rate = fields.Float(
        string="Kept %",
        compute="_compute_kept_rate",
        store=True,
        aggregator="avg",
        help="100 for a kept promise, 0 otherwise: averaged over closed promises.",
    )
    note = fields.Text()

    _sql_constraints = [
        (
            "amount_positive",
            "CHECK(amount > 0)",
            "A promise must be for a positive amount.",
        ),
    ]

    @api.depends("partner_id", "amount", "date")
    def _compute_display_name(self):
        for promise in self:
            promise.display_name = _(
                "%(partner)s: %(amount)s by %(date)s",
                partner=promise.partner_id.display_name or "",
                amount=promise.amount,
                date=promise.date or "",
            )

    @api.depends("residual_start", "move_ids.amount_residual_signed")
    def _compute_amount_paid(self):
        for promise in self:
            remaining = sum(promise.move_ids.mapped("amount_residual_signed"))
            promise.amount_paid = max(promise.residual_start - remaining, 0.0)

    @api.depends("state")
    def _compute_kept_rate(self):
        for promise in self:
            promise.kept_rate = 100.0 if promise.state == "kept" else 0.0

    @api.constrains("date", "date_start")
    def _check_dates(self):
        for promise in self:
            if (
                promise.date
                and promise.date_start
                and promise.date < promise.date_start
            ):
                raise ValidationError(
                    _(
                        "The promised date (%(date)s) cannot be before the day it "
                        "was made.",
                        date=promise.date,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        today = fields.Date.context_today(self)
        may_backdate = self.env.su or self.env.user.has_group(MANAGER_GROUP)
        for vals in vals_list:
            self._ar_case_defaults(vals)
            start = fields.Date.to_date(vals.get("date_start")) or today
            if start < today and not may_backdate:
                raise UserError(
                    _(
                        "Only a collections manager can record a promise made "
                        "before today (made on %(date)s).",
                        date=start,
                    )
                )
            if vals.get("partner_id") and not vals.get("collector_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                vals["collector_id"] = (partner.collector_id or self.env.user).id
        promises = super().create(vals_list)
        for promise in promises:
            open_moves = promise.move_ids.filtered(
                lambda m: m.payment_state in OPEN_PAYMENT_STATES
            )
            if not open_moves:
                raise UserError(
                    _(
                        "A promise to pay needs at least one open invoice of "
                        "%(partner)s.",
                        partner=promise.partner_id.display_name,
                    )
                )
            promise._ar_write_unlocked(
                {
                    "residual_start": sum(
                        promise.move_ids.mapped("amount_residual_signed")
                    )
                }
            )
        return promises

    def _ar_case_undeletable_message(self):
        return _(
            "A kept or broken promise is part of the customer's history and cannot "
            "be deleted."
        )

    def _ar_case_frozen_message(self):
        return _(
            "a promise stays as the customer made it; record a new promise instead."
        )

    # Kept or broken ------------------------------------------------------------------

    @api.model
    def _grace_days_by_move(self, moves):
        """{move_id: promise_grace_days of the ladder that applies to the invoice}."""
        ladders = self.env["ar.dunning.ladder"]._ar_ladders_for_moves(moves)
        return {
            move.id: (
                ladders[move.id]._get_parsed().promise_grace_days
                if ladders.get(move.id)
                else 0
            )
            for move in moves
        }

    def _deadline(self, grace):
        """Last day the promise holds the ladder: its date plus the longest grace."""
        self.ensure_one()
        return self.date + timedelta(
            days=max((grace.get(m) for m in self.move_ids.ids), default=0)
        )

    def _is_covered(self):
        self.ensure_one()
        rounding = self.currency_id.rounding or 0.01
        return self.amount_paid >= self.amount - rounding / 2 or all(
            move.payment_state in PAID_PAYMENT_STATES for move in self.move_ids
        )

    @api.model
    def _check_open_promises(self, company, today):
        """Close the open promises of ``company``: kept once covered, broken the day
        after the promise date plus grace. Returns (kept, broken)."""
        promises = self.search(
            [("state", "=", "open"), ("company_id", "=", company.id)]
        )
        if not promises:
            return self.browse(), self.browse()
        grace = self._grace_days_by_move(promises.move_ids)
        kept = promises.filtered(lambda p: p._is_covered())
        broken = (promises - kept).filtered(lambda p: p._deadline(grace) < today)
        if kept:
            kept._ar_write_unlocked({"state": "kept", "date_closed": today})
        if broken:
            broken._ar_write_unlocked({"state": "broken", "date_closed": today})
            broken._notify_broken()
        (kept | broken).move_ids._ar_reset_collection_schedule()
        return kept, broken

    def _notify_broken(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        partner_model = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for promise in self:
            user = promise.partner_id.collector_id or promise.user_id or self.env.user
            vals_list.append(
                {
                    "res_model_id": partner_model,
                    "res_id": promise.partner_id.id,
                    "activity_type_id": todo.id,
                    "summary": _("Broken promise"),
                    "note": _(
                        "%(partner)s promised %(amount)s by %(date)s for %(moves)s; "
                        "%(paid)s was paid.",
                        partner=promise.partner_id.display_name,
                        amount=promise.amount,
                        date=promise.date,
                        moves=", ".join(promise.move_ids.mapped("name")),
                        paid=promise.amount_paid,
                    ),
                    "date_deadline": promise.date_closed,
                    "user_id": user.id,
                }
            )
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            vals_list
        )

    @api.model
    def _mark_followed_up(self, partners):
        """A contact was logged: the customer's broken promises are followed up."""
        broken = self.search(
            [
                ("partner_id", "in", partners.commercial_partner_id.ids),
                ("state", "=", "broken"),
                ("followed_up", "=", False),
            ]
        )
        if broken:
            broken._ar_write_unlocked({"followed_up": True})

    # Ladder pause ---------------------------------------------------------------------

    @api.model
    def _ar_pauses(self, moves, today):
        """A promise holds its invoices from the day it was made to its date plus
        the ladder's grace days, or to the day before it was found kept or broken."""
        promises = self.sudo().search([("move_ids", "in", moves.ids)])
        if not promises:
            return {}
        grace = self._grace_days_by_move(promises.move_ids)
        wanted = set(moves.ids)
        pauses = defaultdict(list)
        for promise in promises:
            for move_id in promise.move_ids.ids:
                if move_id not in wanted:
                    continue
                last = promise.date + timedelta(days=grace.get(move_id, 0))
                if promise.date_closed:
                    last = min(last, promise.date_closed - timedelta(days=1))
                pauses[move_id].append((promise.date_start, last))
        return dict(pauses)

    @api.model
    def _ar_latest_states(self, moves):
        """{move_id: state of the latest promise made on the invoice}."""
        promises = self.sudo().search([("move_ids", "in", moves.ids)])
        wanted = set(moves.ids)
        return latest_promise_states(
            (move_id, promise.date_start, promise.id, promise.state)
            for promise in promises
            for move_id in promise.move_ids.ids
            if move_id in wanted
        )

    # Rates ---------------------------------------------------------------------------

    @api.model
    def _kept_broken_rates(self, groupby, domain=None):
        """{group key id: {"kept": n, "broken": n, "rate": kept % of closed}}."""
        groups = self._read_group(
            (domain or []) + [("state", "in", ("kept", "broken"))],
            [groupby, "state"],
            ["__count"],
        )
        rates = defaultdict(lambda: {"kept": 0, "broken": 0, "rate": 0.0})
        for key, state, count in groups:
            rates[key.id][state] += count
        for values in rates.values():
            closed = values["kept"] + values["broken"]
            values["rate"] = (
                round(100.0 * values["kept"] / closed, 1) if closed else 0.0
            )
        return dict(rates)

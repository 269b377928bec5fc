from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .account_move import OPEN_PAYMENT_STATES, PAID_PAYMENT_STATES

PROMISE_STATES = [("open", "Open"), ("kept", "Kept"), ("broken", "Broken")]


class ArCollectionPromise(models.Model):
    """A customer's promise to pay an amount by a date for some invoices.

    While open, the ladder pauses those invoices until the promise date plus the
    ladder's ``promise_grace_days``. The morning after that day (daily check, and at
    the start of every run) the promise is kept if what was paid on its invoices
    since it was made covers the amount (or they are all paid), else broken: the
    collector gets a "Broken promise" activity and the ladder resumes, jumping to the
    ladder's ``on_broken_promise`` step when there is one.
    """

    _name = "ar.collection.promise"
    _description = "Promise to pay"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
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

    @api.constrains("move_ids", "partner_id", "date", "date_start")
    def _check_moves(self):
        for promise in self:
            wrong = promise.move_ids.filtered(
                lambda m, p=promise: (
                    m.commercial_partner_id != p.partner_id.commercial_partner_id
                    or m.move_type != "out_invoice"
                    or m.state != "posted"
                    or m.company_id != p.company_id
                )
            )
            if wrong:
                raise ValidationError(
                    _(
                        "A promise of %(partner)s can only cover its own posted "
                        "customer "
                        "invoices of %(company)s; not: %(moves)s",
                        partner=promise.partner_id.display_name,
                        company=promise.company_id.name,
                        moves=", ".join(wrong.mapped("display_name")),
                    )
                )
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
        for vals in vals_list:
            if vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                vals["partner_id"] = partner.commercial_partner_id.id
                if not vals.get("collector_id"):
                    vals["collector_id"] = (
                        partner.commercial_partner_id.collector_id or self.env.user
                    ).id
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
            if not promise.residual_start:
                promise.residual_start = sum(
                    promise.move_ids.mapped("amount_residual_signed")
                )
        return promises

    @api.ondelete(at_uninstall=False)
    def _unlink_only_open(self):
        if any(promise.state != "open" for promise in self):
            raise UserError(
                _(
                    "A kept or broken promise is part of the customer's history "
                    "and cannot be deleted."
                )
            )

    def unlink(self):
        moves = self.move_ids
        result = super().unlink()
        moves._ar_reset_collection_schedule()
        return result

    # Kept or broken ------------------------------------------------------------------

    @api.model
    def _grace_days_by_move(self, moves):
        """{move_id: promise_grace_days of the invoice's ladder (else the default)}."""
        parsed_cache = {}
        grace = {}
        for move in moves:
            ladder = move.collection_ladder_id or move.company_id.ar_default_ladder_id
            if not ladder:
                grace[move.id] = 0
                continue
            if ladder.id not in parsed_cache:
                parsed_cache[ladder.id] = ladder._get_parsed().promise_grace_days
            grace[move.id] = parsed_cache[ladder.id]
        return grace

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
            kept.write({"state": "kept", "date_closed": today})
        if broken:
            broken.write({"state": "broken", "date_closed": today})
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
            broken.write({"followed_up": True})

    # Ladder pause, shift and jump ----------------------------------------------------

    @api.model
    def _paused_by_promise(self, moves, today):
        """Open promises pause their invoices until the promise date plus grace."""
        promises = self.search([("state", "=", "open"), ("move_ids", "in", moves.ids)])
        if not promises:
            return {}
        grace = self._grace_days_by_move(promises.move_ids)
        wanted = set(moves.ids)
        paused = {}
        for promise in promises:
            for move_id in promise.move_ids.ids:
                if move_id not in wanted:
                    continue
                until = promise.date + timedelta(days=grace.get(move_id, 0))
                if move_id not in paused or until > paused[move_id]:
                    paused[move_id] = until
        return paused

    @api.model
    def _pause_intervals(self, moves, today):
        """{move_id: [(first paused day, last paused day)]} of every promise."""
        promises = self.search([("move_ids", "in", moves.ids)])
        if not promises:
            return {}
        grace = self._grace_days_by_move(promises.move_ids)
        wanted = set(moves.ids)
        intervals = defaultdict(list)
        for promise in promises:
            for move_id in promise.move_ids.ids:
                if move_id not in wanted:
                    continue
                last = promise.date + timedelta(days=grace.get(move_id, 0))
                if promise.date_closed:
                    last = min(last, promise.date_closed - timedelta(days=1))
                intervals[move_id].append((promise.date_start, last))
        return intervals

    @api.model
    def _jumps(self, moves, today):
        """{move_id: step code} for invoices whose latest promise was broken, on a
        ladder with ``on_broken_promise``, until that step has been handled."""
        promises = self.search(
            [("move_ids", "in", moves.ids)], order="date_start desc, id desc"
        )
        latest = {}
        for promise in promises:
            for move_id in promise.move_ids.ids:
                latest.setdefault(move_id, promise)
        broken_moves = moves.filtered(
            lambda m: m.id in latest and latest[m.id].state == "broken"
        )
        if not broken_moves:
            return {}
        history = self.env["ar.collection.event"]._step_history(broken_moves)
        parsed_cache = {}
        jumps = {}
        for move in broken_moves:
            ladder = move.collection_ladder_id or move.company_id.ar_default_ladder_id
            if not ladder:
                continue
            if ladder.id not in parsed_cache:
                parsed_cache[ladder.id] = ladder._get_parsed().on_broken_promise
            step = parsed_cache[ladder.id]
            if step and step not in history[move.id][0]:
                jumps[move.id] = step
        return jumps

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

from odoo import _, api, fields, models
from odoo.tools import SQL

OPEN_PAYMENT_STATES = ("not_paid", "partial")
PAID_PAYMENT_STATES = ("paid", "in_payment", "reversed")
CREDIT_HOLD_MOVE_TYPES = ("out_invoice", "out_receipt")
SCHEDULE_FIELDS = (
    "collection_next_date",
    "collection_next_step",
    "collection_ladder_id",
)


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_event_ids = fields.One2many(
        "ar.collection.event", "move_id", string="Collection events", readonly=True
    )
    collection_stage_id = fields.Many2one(
        "ar.collection.stage",
        string="Collection stage",
        compute="_compute_collection_stage_id",
        store=True,
        index=True,
        group_expand="_read_group_collection_stage_ids",
        help="Derived from the ladder steps taken; 'Paid' once fully paid.",
    )
    collection_step = fields.Char(
        string="Last collection step",
        compute="_compute_collection_step",
        store=True,
        help="Code of the last ladder step executed on this invoice.",
    )
    collection_ladder_id = fields.Many2one(
        "ar.dunning.ladder", string="Dunning ladder", readonly=True, copy=False
    )
    collection_next_date = fields.Date(
        string="Next collection step on",
        readonly=True,
        copy=False,
        index=True,
        help="When the run looks at this invoice again. Empty: at the next run.",
    )
    collection_next_step = fields.Char(
        string="Next collection step", readonly=True, copy=False
    )
    collection_excluded = fields.Boolean(
        string="Excluded from dunning", copy=False, tracking=True
    )
    collection_exclusion_reason = fields.Char(copy=False, tracking=True)
    collection_exclusion_until = fields.Date(
        string="Excluded until",
        copy=False,
        tracking=True,
        help="Last day of the exclusion; empty: until lifted by hand.",
    )
    collection_days_late = fields.Integer(
        string="Days late", compute="_compute_collection_days_late"
    )
    ar_credit_hold_id = fields.Many2one(
        "ar.credit.hold",
        string="Customer credit hold",
        compute="_compute_ar_credit_hold_id",
        help="The active credit hold of the customer in the invoice's company.",
    )
    ar_credit_hold_reason = fields.Char(compute="_compute_ar_credit_hold_id")
    ar_credit_hold_date = fields.Date(compute="_compute_ar_credit_hold_id")

    @api.depends(
        "move_type",
        "state",
        "payment_state",
        "collection_event_ids.state",
        "collection_event_ids.stage_id",
    )
    def _compute_collection_stage_id(self):
        Stage = self.env["ar.collection.stage"]
        stages = Stage._get_by_code()
        current = stages.get("current", Stage)
        paid = stages.get("paid", Stage)
        latest = self._ar_latest_done_events(with_stage=True)
        for move in self:
            if move.move_type != "out_invoice" or move.state != "posted":
                move.collection_stage_id = False
                continue
            if move.id in latest:
                stage = Stage.browse(latest[move.id][0])
            else:
                stage = move._latest_collection_event(with_stage=True).stage_id
            stage = stage or current
            if move.payment_state in PAID_PAYMENT_STATES and not stage.is_closed:
                stage = paid
            move.collection_stage_id = stage

    @api.depends("collection_event_ids.state", "collection_event_ids.step_code")
    def _compute_collection_step(self):
        latest = self._ar_latest_done_events()
        for move in self:
            if move.id in latest:
                move.collection_step = latest[move.id][1] or False
            else:
                move.collection_step = (
                    move._latest_collection_event().step_code or False
                )

    def _ar_latest_done_events(self, with_stage=False):
        """``{move id: (stage id, step code)}`` of the latest done event (by date, then
        id) of each saved invoice of ``self``, with a stage when ``with_stage``; both
        False when there is none. One query for the whole batch instead of reading and
        sorting every invoice's events in Python (the run recomputes thousands).

        New (unsaved) records are left out: the caller falls back to
        ``_latest_collection_event``.
        """
        ids = [move_id for move_id in self.ids if isinstance(move_id, int)]
        if not ids:
            return {}
        self.env["ar.collection.event"].flush_model(
            ["move_id", "state", "stage_id", "date", "step_code"]
        )
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (move_id) move_id, stage_id, step_code
                     FROM ar_collection_event
                    WHERE move_id = ANY(%s) AND state = 'done' %s
                 ORDER BY move_id, date DESC, id DESC""",
                ids,
                SQL("AND stage_id IS NOT NULL") if with_stage else SQL(""),
            )
        )
        latest = dict.fromkeys(ids, (False, False))
        latest.update(
            (move_id, (stage_id or False, step_code or False))
            for move_id, stage_id, step_code in self.env.cr.fetchall()
        )
        return latest

    @api.depends("invoice_date_due", "payment_state")
    def _compute_collection_days_late(self):
        today = fields.Date.context_today(self)
        for move in self:
            if move.invoice_date_due and move.payment_state in OPEN_PAYMENT_STATES:
                move.collection_days_late = (today - move.invoice_date_due).days
            else:
                move.collection_days_late = 0

    @api.depends("commercial_partner_id", "company_id", "move_type")
    def _compute_ar_credit_hold_id(self):
        moves = self.filtered(lambda move: move.move_type in CREDIT_HOLD_MOVE_TYPES)
        # sudo: the hold of a parent company applies to its branches (see
        # res.partner._compute_credit_hold)
        holds = (
            self.env["ar.credit.hold"]
            .sudo()
            ._active_by_key(moves.commercial_partner_id, moves.company_id)
        )
        for move in self:
            hold = holds.get((move.commercial_partner_id.id, move.company_id.id))
            if move not in moves or not hold:
                hold = self.env["ar.credit.hold"]
            move.ar_credit_hold_id = hold.id
            move.ar_credit_hold_reason = hold.reason
            move.ar_credit_hold_date = hold.date

    @api.model
    def _read_group_collection_stage_ids(self, stages, domain):
        return stages.search([])

    def _latest_collection_event(self, with_stage=False):
        self.ensure_one()
        events = self.collection_event_ids.filtered(
            lambda event: event.state == "done" and (event.stage_id or not with_stage)
        )
        return max(events, key=lambda event: (event.date, event.id), default=events)

    def write(self, vals):
        if vals.get("state") == "posted":
            self._ar_check_credit_hold(vals)
        result = super().write(vals)
        if {
            "invoice_date_due",
            "collection_excluded",
            "collection_exclusion_until",
            "partner_id",
        } & vals.keys():
            self._ar_reset_collection_schedule()
        return result

    def _post(self, soft=True):
        """Refuse customer invoices of customers on credit hold (credit notes pass).

        Checked here before anything is done, and again by ``write`` when the state
        becomes posted (which also logs an authorised override, once).
        """
        self._ar_check_credit_hold({}, log_override=False)
        return super()._post(soft=soft)

    def _ar_check_credit_hold(self, vals, log_override=True):
        """Refuse posting these moves, written with ``vals``, for a customer on hold.

        Whoever posts (RPC, import, cron, sudo), by ``_post`` or a plain write of the
        state: only an override user with a reason goes ahead.
        """
        move_type = vals.get("move_type")
        partner = self.env["res.partner"].browse(vals.get("partner_id") or [])
        company = self.env["res.company"].browse(vals.get("company_id") or [])
        self.env["ar.credit.hold"]._enforce(
            self.filtered(
                lambda move: (
                    move.state != "posted"
                    and (move_type or move.move_type) in CREDIT_HOLD_MOVE_TYPES
                )
            ),
            lambda move: partner or move.commercial_partner_id,
            lambda move: company or move.company_id,
            _("post this invoice"),
            log_override=log_override,
        )

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
        invoices = self.filtered(lambda move: move.move_type == "out_invoice")
        if invoices:
            self.env["ar.agency.referral"]._on_invoices_paid(invoices)
            self.env["ar.credit.hold"]._release_paid(
                partners=invoices.commercial_partner_id, companies=invoices.company_id
            )
        return result

    def action_ar_credit_hold_override(self):
        return self.env["ar.credit.hold.override.wizard"]._open_for(self)

    def _ar_credit_hold_proceed(self):
        """What the override wizard goes ahead with: posting."""
        return self.action_post()

    @api.model
    def _ar_open_invoice_domain(self, company=None):
        domain = [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", OPEN_PAYMENT_STATES),
            ("invoice_date_due", "!=", False),
        ]
        if company:
            domain.append(("company_id", "=", company.id))
        return domain

    def _ar_reset_collection_schedule(self):
        """Have the next run look at these invoices again, whatever their next date."""
        if not self.ids:
            return
        self.flush_recordset(["collection_next_date"])
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET collection_next_date = NULL"
                " WHERE id IN %s AND collection_next_date IS NOT NULL",
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["collection_next_date"])

    @api.model
    def _ar_write_schedule(self, schedule):
        """Store the run's bookkeeping on many invoices.

        :param schedule: {move_id: (next_date, next step code or None,
            ladder id or None)}

        These three fields are the run's own bookkeeping, no stored field depends on
        them. They are not written with ``account.move.write``, which
        re-synchronises journal items and flags the moves as manually modified
        (wrong and slow here): they are put in the cache as values to save, so
        that the next flush writes them in the same UPDATE as the stage and step
        the run's events recompute on the same invoices (each UPDATE of an invoice
        writes a new row version and an entry in each of its 30 indexes).
        """
        if not schedule:
            return
        moves = self.browse(list(schedule))
        values = list(schedule.values())
        for index, fname in enumerate(SCHEDULE_FIELDS):
            field = self._fields[fname]
            column = [
                field.convert_to_cache(value[index] or False, self) for value in values
            ]
            self.env.cache.update(moves, field, column, dirty=True)
        moves.modified(SCHEDULE_FIELDS)

    def action_collection_exclude(self):
        return self.env["ar.collection.exclude.wizard"]._open_for(self)

    def action_collection_include(self):
        self.with_context(skip_is_manually_modified=True).write(
            {
                "collection_excluded": False,
                "collection_exclusion_reason": False,
                "collection_exclusion_until": False,
            }
        )

    # Collector workbench ---------------------------------------------------------

    def action_collection_log_contact(self):
        """Log a call, meeting, e-mail or letter about these invoices."""
        return self.env["ar.collection.contact.wizard"]._open_for(
            self.commercial_partner_id[:1], self
        )

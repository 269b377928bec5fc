from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class ArCollectionCaseMixin(models.AbstractModel):
    """What every collection case shares: one customer, one company, some of the
    customer's invoices, and a hold on their ladder while the case is live.

    Promises, disputes, payment plans, agency referrals, legal cases and write-off
    requests are cases. Each model declares its own ``move_ids`` (its own relation
    table) and sets the class attributes below; it keeps only what is its own.

    - ``_ar_case_deletable_states``: states in which a case may be deleted (``None``:
      any state; an empty tuple: never).
    - ``_ar_case_sequence_code``: ``ir.sequence`` code that numbers ``name`` on
      creation (the model then has a ``name`` field defaulting to ``"/"``).
    - ``_ar_case_posted_only``: its invoices must be posted.
    - ``_ar_pausing_states``: states in which the case holds its invoices' ladder.
    - ``_ar_pause_shifts_ladder``: once the pause is over, the ladder's timing is
      pushed back by the days spent paused (promises, disputes, plans), so that the
      customer gets no burst of catch-up messages.
    - ``_ar_case_workflow_fields``: set by the case's own methods only (state and
      what goes with it): ``create`` and ``write`` refuse them for every caller,
      superuser included, whatever the context.
    - ``_ar_case_frozen_fields``: editable only while the case is in one of
      ``_ar_case_editable_states`` (empty: never after creation).

    The run asks every model that inherits this mixin for its pauses
    (``_ar_pauses``): a new case type holds the ladder by inheriting it, with no
    change to the run.
    """

    _name = "ar.collection.case.mixin"
    _description = "Collection case"
    _inherit = ["mail.thread", "mail.activity.mixin", "ar.workflow.guard"]

    _ar_case_deletable_states = None
    _ar_case_sequence_code = None
    _ar_case_posted_only = True
    _ar_pausing_states = ()
    _ar_pause_shifts_ladder = False
    _ar_case_workflow_fields = frozenset()
    _ar_case_frozen_fields = frozenset()
    _ar_case_editable_states = ()

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
    # Each case model redeclares it with its own relation table.
    move_ids = fields.Many2many("account.move", string="Invoices")

    # Creation -------------------------------------------------------------------------

    @api.model
    def _ar_moves_in_vals(self, vals):
        """The invoices that ``move_ids`` commands in ``vals`` link (set and link)."""
        ids = []
        for command in vals.get("move_ids") or ():
            if isinstance(command, int):
                ids.append(command)
            elif command[0] == 6:
                ids.extend(command[2])
            elif command[0] == 4:
                ids.append(command[1])
        return self.env["account.move"].browse(ids)

    @api.model
    def _ar_case_defaults(self, vals):
        """Customer and company taken from the invoices when not given; the customer
        is always the commercial partner (a case is on the company, not a contact)."""
        if vals.get("partner_id"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals["partner_id"] = partner.commercial_partner_id.id
            return vals
        moves = self._ar_moves_in_vals(vals)
        customers = moves.commercial_partner_id
        if len(customers) > 1:
            raise UserError(
                _(
                    "A %(case)s is for one customer; these invoices belong to "
                    "several: %(customers)s.",
                    case=self._description,
                    customers=", ".join(customers.mapped("display_name")),
                )
            )
        if customers:
            vals["partner_id"] = customers.id
            if not vals.get("company_id") and len(moves.company_id) == 1:
                vals["company_id"] = moves.company_id.id
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._ar_check_case_fields(vals, creating=True)
            self._ar_case_defaults(vals)
            if self._ar_case_sequence_code and vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code(self._ar_case_sequence_code)
                    or "/"
                )
        return super().create(vals_list)

    # Invariants -----------------------------------------------------------------------

    @api.constrains("move_ids", "partner_id", "company_id")
    def _check_case_moves(self):
        """A case covers customer invoices of its own customer and company only."""
        for case in self:
            customer = case.partner_id.commercial_partner_id
            wrong = case.move_ids.filtered(
                lambda move, c=case, customer=customer: (
                    move.move_type != "out_invoice"
                    or (c._ar_case_posted_only and move.state != "posted")
                    or move.commercial_partner_id != customer
                    or move.company_id != c.company_id
                )
            )
            if wrong:
                raise ValidationError(
                    _(
                        "%(case)s of %(customer)s can only cover its own posted "
                        "customer invoices of %(company)s; not: %(moves)s",
                        case=case.display_name or case._description,
                        customer=case.partner_id.display_name,
                        company=case.company_id.name,
                        moves=", ".join(wrong.mapped("display_name")),
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed_case(self):
        allowed = self._ar_case_deletable_states
        if allowed is None:
            return
        if any(case.state not in allowed for case in self):
            raise UserError(self._ar_case_undeletable_message())

    def _ar_case_undeletable_message(self):
        return _(
            "A %(case)s that has gone past draft is part of the customer's history "
            "and cannot be deleted.",
            case=self._description,
        )

    def unlink(self):
        moves = self.move_ids
        result = super().unlink()
        moves._ar_reset_collection_schedule()
        return result

    # Ladder pause ---------------------------------------------------------------------

    def _ar_pause_span(self, move, today):
        """(first paused day or None, last paused day or None) of this case on
        ``move``, or None when it does not hold that invoice. None as first day:
        held whatever the run's date; None as last day: held until the case
        changes. Default: held while in a pausing state."""
        self.ensure_one()
        if self.state not in self._ar_pausing_states:
            return None
        return (None, None)

    @api.model
    def _ar_pauses(self, moves, today):
        """{move_id: [(first day, last day or None)]}: how the cases of this type
        hold the ladder of ``moves``. Past pauses are included: they push the
        ladder's timing back when ``_ar_pause_shifts_ladder`` is set."""
        cases = self.sudo().search([("move_ids", "in", moves.ids)])
        wanted = set(moves.ids)
        pauses = {}
        for case in cases:
            for move in case.move_ids:
                if move.id not in wanted:
                    continue
                span = case._ar_pause_span(move, today)
                if span:
                    pauses.setdefault(move.id, []).append(span)
        return pauses

    @api.model
    def _ar_case_models(self):
        """Names of the concrete models that are collection cases."""
        return [
            name
            for name in self.pool.descendants([self._name], "_inherit")
            if name != self._name and not self.env[name]._abstract
        ]

    # Follow-up ------------------------------------------------------------------------

    def _ar_schedule_todo(self, summary, note, user, deadline):
        """A to-do activity on each case for ``user`` (skipped when no user)."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        for case in self:
            if user:
                case.activity_schedule(
                    activity_type_id=todo.id,
                    summary=summary,
                    note=note,
                    user_id=user.id,
                    date_deadline=deadline,
                )

    # Workflow fields ------------------------------------------------------------------

    def write(self, vals):
        self._ar_check_case_fields(vals)
        frozen = self._ar_case_frozen_fields & vals.keys()
        if frozen and not self._ar_is_unlocked():
            locked = self.filtered(
                lambda case: case.state not in case._ar_case_editable_states
            )
            if locked:
                raise UserError(
                    _(
                        "%(cases)s can no longer be changed (%(fields)s): %(why)s",
                        cases=", ".join(locked.mapped("display_name")),
                        fields=self._ar_field_labels(frozen),
                        why=self._ar_case_frozen_message(),
                    )
                )
        return super().write(vals)

    def _ar_case_frozen_message(self):
        return _("it is part of the customer's history.")

    def _ar_field_labels(self, names):
        return ", ".join(sorted(self._fields[name].string for name in names))

    def _ar_check_case_fields(self, vals, creating=False):
        """Refuse the workflow fields in ``vals`` (on creation: unless they hold
        their default, which forms send)."""
        forced = self._ar_case_workflow_fields & vals.keys()
        if not forced or (not creating and self._ar_is_unlocked()):
            return
        if creating:
            defaults = self.default_get(list(forced))
            forced = {
                name
                for name in forced
                if vals[name] and vals[name] != defaults.get(name)
            }
            if not forced:
                return
        raise UserError(
            _(
                "%(case)s: these fields are set by its workflow (its buttons and the "
                "daily checks), not by hand: %(fields)s.",
                case=self._description,
                fields=self._ar_field_labels(forced),
            )
        )

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .account_move import OPEN_PAYMENT_STATES

LEGAL_STATES = [
    ("open", "Open"),
    ("won", "Won"),
    ("lost", "Lost"),
    ("settled", "Settled"),
    ("closed", "Closed"),
]
LEGAL_OUTCOMES = [
    ("judgment_paid", "Judgment obtained, paid"),
    ("judgment_unpaid", "Judgment obtained, not paid"),
    ("settlement", "Settled out of court"),
    ("dismissed", "Claim dismissed"),
    ("withdrawn", "Claim withdrawn"),
]
LEGAL_STEP = "legal_case"
MANAGER_GROUP = "ar_collections.group_collections_manager"
# Who and which invoices are with legal: a collections manager decides.
MANAGER_FIELDS = {"state", "move_ids", "partner_id", "company_id", "referral_id"}


class ArLegalCase(models.Model):
    """A debt handed to legal: lawyer letter, small-claims court or lawsuit.

    Its invoices move to the stage ``legal`` and are never dunned by the ladder
    again, whatever the state of the case. Opening a case, changing its invoices
    or customer and closing it are for collections managers; collectors follow it up
    (references, court, hearings, costs).
    """

    _name = "ar.legal.case"
    _description = "Legal case"
    _inherit = ["ar.collection.case.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _ar_case_deletable_states = ()
    _ar_case_sequence_code = "ar.legal.case"
    # Held whatever the state: once with legal, never dunned again.
    _ar_pausing_states = tuple(dict(LEGAL_STATES))
    _ar_pause_shifts_ladder = False

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    move_ids = fields.Many2many(
        "account.move",
        "ar_legal_case_move_rel",
        "case_id",
        "move_id",
        string="Invoices",
        copy=False,
    )
    referral_id = fields.Many2one(
        "ar.agency.referral", string="From referral", readonly=True, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        required=True,
        tracking=True,
        default=lambda self: self.env.company.ar_legal_user_id or self.env.user,
    )
    claim_reference = fields.Char(tracking=True)
    court = fields.Char(tracking=True)
    lawyer_id = fields.Many2one("res.partner", string="Lawyer", tracking=True)
    date_filed = fields.Date(string="Filing date", tracking=True)
    date_next_hearing = fields.Date(string="Next hearing", tracking=True)
    amount_claimed = fields.Monetary(
        string="Claimed amount",
        tracking=True,
        help="Defaults to what the invoices owe when the case opens.",
    )
    amount_costs = fields.Monetary(string="Legal costs", tracking=True)
    amount_awarded = fields.Monetary(string="Awarded", tracking=True)
    outcome = fields.Selection(LEGAL_OUTCOMES, tracking=True)
    state = fields.Selection(
        LEGAL_STATES,
        required=True,
        default="open",
        readonly=True,
        index=True,
        tracking=True,
        copy=False,
    )
    note = fields.Html()
    amount_residual = fields.Monetary(
        string="Still owed", compute="_compute_amount_residual"
    )

    @api.depends("move_ids.amount_residual_signed")
    def _compute_amount_residual(self):
        for case in self:
            case.amount_residual = sum(case.move_ids.mapped("amount_residual_signed"))

    # Guards --------------------------------------------------------------------------

    def _check_manager(self, what):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _(
                    "Only a collections manager can %(what)s (%(user)s is not one).",
                    what=what,
                    user=self.env.user.name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_manager(_("open a legal case"))
        for vals in vals_list:
            if vals.get("state", "open") != "open":
                raise UserError(_("A legal case opens in the state Open."))
            # Explicit, so that no default_state context key can set it.
            vals["state"] = "open"
        return super().create(vals_list)

    def write(self, vals):
        guarded = MANAGER_FIELDS & vals.keys()
        if guarded:
            self._check_manager(
                _(
                    "change %(fields)s of a legal case",
                    fields=", ".join(sorted(guarded)),
                )
            )
        if "state" in vals and not self._ar_is_unlocked():
            raise UserError(
                _(
                    "A legal case changes state only through its actions (won, "
                    "lost, settled, close, reopen)."
                )
            )
        return super().write(vals)

    def _ar_case_undeletable_message(self):
        return _("Legal cases stay for the audit trail; close the case instead.")

    # Opening -------------------------------------------------------------------------

    @api.model
    def _moves_in_cases(self, moves):
        cases = self.search([("move_ids", "in", moves.ids)])
        return moves & cases.move_ids

    @api.model
    def _open_cases(
        self, partners, moves, referral=None, responsible=None, note=None, today=None
    ):
        """One case per customer for its open ``moves`` not already with legal;
        stage ``legal``, activity for the responsible. :return: the cases."""
        self._check_manager(_("send a customer to legal"))
        today = today or fields.Date.context_today(self)
        moves = moves.filtered(lambda m: m.payment_state in OPEN_PAYMENT_STATES)
        moves -= self._moves_in_cases(moves)
        if not moves:
            raise UserError(
                _("No open invoice left to send to legal (or all already are).")
            )
        # An invoice is with legal or with an agency, not both.
        Referral = self.env["ar.agency.referral"]
        active = Referral.search(
            [
                ("move_ids", "in", moves.ids),
                ("state", "in", ("draft", "sent", "acknowledged", "collecting")),
            ]
        )
        if active:
            active.action_recall(_("Escalated to legal"))
        vals_list = []
        for partner in partners.commercial_partner_id:
            partner_moves = moves.filtered(
                lambda m, p=partner: m.commercial_partner_id == p
            )
            if not partner_moves:
                continue
            company = partner_moves.company_id[:1]
            vals = {
                "company_id": company.id,
                "partner_id": partner.id,
                "move_ids": [Command.set(partner_moves.ids)],
                "amount_claimed": sum(partner_moves.mapped("amount_residual_signed")),
                "referral_id": referral.id if referral else False,
                "note": note or False,
            }
            responsible = responsible or company.ar_legal_user_id
            if responsible:
                vals["user_id"] = responsible.id
            vals_list.append(vals)
        cases = self.create(vals_list)
        cases._after_open(today)
        return cases

    def _after_open(self, today):
        stage = self.env["ar.collection.stage"]._get_by_code()["legal"]
        Event = self.env["ar.collection.event"].sudo()
        Event.create(
            [
                {
                    "move_id": move.id,
                    "partner_id": move.commercial_partner_id.id,
                    "company_id": case.company_id.id,
                    **Event._origin_values("legal", case),
                    "step_code": LEGAL_STEP,
                    "action_kind": "legal",
                    "stage_id": stage.id,
                    "state": "done",
                    "date": today,
                    "amount_residual": move.amount_residual,
                    "result": _("Sent to legal (%(name)s)", name=case.name),
                }
                for case in self
                for move in case.move_ids
            ]
        )
        self.move_ids._ar_reset_collection_schedule()
        todo = self.env.ref("mail.mail_activity_data_todo")
        for case in self:
            case.activity_schedule(
                activity_type_id=todo.id,
                summary=_("Judge the legal case: claim worth pursuing?"),
                note=_(
                    "%(customer)s owes %(amount)s on %(moves)s.",
                    customer=case.partner_id.name,
                    amount=case.amount_claimed,
                    moves=", ".join(case.move_ids.mapped("name")),
                ),
                user_id=case.user_id.id,
                date_deadline=today,
            )
            case.partner_id.message_post(
                body=_(
                    "Sent to legal: %(name)s (%(moves)s)",
                    name=case.name,
                    moves=", ".join(case.move_ids.mapped("name")),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _open_form(self):
        if len(self) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": self._name,
                "res_id": self.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        return {
            "type": "ir.actions.act_window",
            "name": _("Legal cases"),
            "res_model": self._name,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.ids)],
        }

    # State changes -------------------------------------------------------------------

    def _set_state(self, state):
        self._check_manager(_("close a legal case"))
        not_open = self.filtered(lambda c: c.state != "open")
        if state != "open" and not_open:
            raise UserError(
                _(
                    "%(cases)s is already closed.",
                    cases=", ".join(not_open.mapped("name")),
                )
            )
        self._ar_write_unlocked({"state": state})
        return True

    def action_won(self):
        return self._set_state("won")

    def action_lost(self):
        return self._set_state("lost")

    def action_settled(self):
        return self._set_state("settled")

    def action_close(self):
        return self._set_state("closed")

    def action_reopen(self):
        self._check_manager(_("reopen a legal case"))
        self._ar_write_unlocked({"state": "open"})
        return True

    def action_request_write_off(self):
        """What the court could not recover: propose a write-off."""
        self.ensure_one()
        requests = self.env["ar.write.off.request"]._create_for_moves(
            self.move_ids,
            reason="uncollectible",
            note=_(
                "Legal case %(name)s: %(outcome)s",
                name=self.name,
                outcome=dict(LEGAL_OUTCOMES).get(self.outcome, ""),
            ),
        )
        if not requests:
            raise UserError(_("Nothing left to write off (or already requested)."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "ar.write.off.request",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", requests.ids)],
        }

    def action_view_invoices(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.move_ids.ids)],
        }

    # Ladder --------------------------------------------------------------------------

    @api.model
    def _paused_by_legal_case(self, moves, today):
        """{move_id: None} for the invoices with legal (see ``_ar_pauses``)."""
        return dict.fromkeys(self._ar_pauses(moves, today))

    @api.model
    def _ar_ladder_action(self, customer_actions):
        """Ladder action ``legal: {note, assign}``: a legal case per customer."""
        outcomes = {}
        run = self.env["ar.collection.run"]
        all_moves = self.env["account.move"].union(*(a.moves for a in customer_actions))
        taken = self._moves_in_cases(all_moves)
        for customer_action in customer_actions:
            moves = customer_action.moves - taken
            if not moves:
                outcomes[customer_action] = {
                    "state": "done",
                    "result": _("Already with legal"),
                }
                continue
            params = customer_action.action.params
            responsible = (
                run._assignee(customer_action.partner, params["assign"])
                if params.get("assign")
                else None
            )
            case = self._open_cases(
                customer_action.partner,
                moves,
                responsible=responsible,
                note=params.get("note"),
                today=customer_action.today,
            )
            outcomes[customer_action] = {
                "state": "done",
                "result": _(
                    "Legal case %(name)s opened for %(user)s",
                    name=case.name,
                    user=case.user_id.name,
                ),
            }
        return outcomes

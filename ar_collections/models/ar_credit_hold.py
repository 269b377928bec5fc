from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

HOLD_SOURCES = [
    ("ladder", "Dunning ladder"),
    ("manual", "Manual"),
    ("referral", "Agency referral"),
    ("recommendation", "Credit recommendation"),
]
RELEASE_MODES = [("when_paid", "When paid"), ("manual", "Manual")]
OVERRIDE_CONTEXT_KEY = "ar_credit_hold_override"
OVERRIDE_GROUP = "ar_collections.group_credit_hold_override"
MANAGER_GROUP = "ar_collections.group_collections_manager"
# Fields that only change through hold / release, never by a plain write.
PROTECTED_FIELDS = {
    "partner_id",
    "company_id",
    "state",
    "released_by_id",
    "release_reason",
    "release_date",
}


class ArCreditHold(models.Model):
    """A customer on credit hold in one company: new invoices and sale orders refused.

    The rows are the history: a hold is created (put on hold) and later released, never
    deleted. Both changes are logged in the customer's chatter with user, date and
    reason. At most one active hold per customer (commercial partner) and company.
    """

    _name = "ar.credit.hold"
    _description = "Credit hold"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
        tracking=True,
        help="The commercial partner: the hold applies to all of its contacts.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    reason = fields.Char(required=True, tracking=True)
    date = fields.Date(
        string="On hold since",
        required=True,
        default=fields.Date.context_today,
        readonly=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Put on hold by",
        default=lambda self: self.env.user,
        readonly=True,
    )
    source = fields.Selection(
        HOLD_SOURCES, required=True, default="manual", readonly=True
    )
    release_mode = fields.Selection(
        RELEASE_MODES,
        required=True,
        default="manual",
        tracking=True,
        help="When paid: released automatically as soon as the customer has no overdue "
        "invoice left at the hold's stage or beyond. Manual: a collections manager "
        "releases it.",
    )
    stage_id = fields.Many2one(
        "ar.collection.stage",
        string="Stage",
        readonly=True,
        help="For 'when paid' holds: overdue invoices at this stage or beyond keep the "
        "hold. Empty: any overdue invoice keeps it.",
    )
    ladder_id = fields.Many2one(
        "ar.dunning.ladder", string="Dunning ladder", readonly=True
    )
    step_code = fields.Char(string="Ladder step", readonly=True)
    recommendation_id = fields.Many2one(
        "ar.credit.recommendation", string="Recommendation", readonly=True
    )
    state = fields.Selection(
        [("active", "On hold"), ("released", "Released")],
        required=True,
        default="active",
        readonly=True,
        index=True,
        tracking=True,
    )
    released_by_id = fields.Many2one("res.users", string="Released by", readonly=True)
    release_reason = fields.Char(readonly=True)
    release_date = fields.Date(readonly=True)
    collector_id = fields.Many2one(related="partner_id.collector_id")

    def init(self):
        # One active hold per customer and company; also makes concurrent holds safe.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS ar_credit_hold_active_unique"
                " ON ar_credit_hold (partner_id, company_id) WHERE state = 'active'"
            )
        )

    @api.depends("partner_id", "date")
    def _compute_display_name(self):
        for hold in self:
            hold.display_name = _(
                "%(customer)s on hold since %(date)s",
                customer=hold.partner_id.display_name,
                date=hold.date,
            )

    # CRUD ----------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_manager(
            _("Only a collections manager can put a customer on credit hold.")
        )
        partners = self.env["res.partner"].browse(
            [vals["partner_id"] for vals in vals_list if vals.get("partner_id")]
        )
        commercial = {
            partner.id: partner.commercial_partner_id.id for partner in partners
        }
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = commercial[vals["partner_id"]]
            if not (vals.get("reason") or "").strip():
                raise UserError(_("A credit hold needs a reason."))
            vals.pop("state", None)
        holds = super().create(vals_list)
        holds._log_on_customers(
            lambda hold: _(
                "Put on credit hold in %(company)s by %(user)s (%(origin)s): "
                "%(reason)s",
                company=hold.company_id.name,
                user=hold.user_id.name or self.env.user.name,
                origin=dict(HOLD_SOURCES)[hold.source],
                reason=hold.reason,
            )
        )
        self.env["res.partner"].invalidate_model(self._partner_hold_fields())
        return holds

    def write(self, vals):
        self._check_manager(_("Only a collections manager can change a credit hold."))
        # The transitions (``_release``) write these fields as superuser after their
        # own checks; nobody else may, whatever the context.
        if PROTECTED_FIELDS & vals.keys() and not self.env.su:
            raise UserError(
                _(
                    "A credit hold changes only by putting a customer on hold or "
                    "releasing it, with a reason (fields: %(fields)s).",
                    fields=", ".join(sorted(PROTECTED_FIELDS & vals.keys())),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        raise UserError(
            _(
                "Credit holds are the customer's history and cannot be deleted; "
                "release the hold instead."
            )
        )

    # Queries -------------------------------------------------------------------------

    @api.model
    def _check_manager(self, message):
        """Refuse ``message`` unless collections manager (or our own sudo code)."""
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(message)

    @api.model
    def _get_active(self, partners, companies, inherited=True):
        """Active holds of these customers (any contact: their commercial partner).

        :param inherited: also the holds that apply without being the customer's own
            in the company: those placed in a parent company (they apply to its
            branches) and those of a parent customer (they apply to its subsidiaries,
            the companies below it)
        """
        commercial = partners.commercial_partner_id
        companies = companies.filtered("id")
        if inherited:
            partner_ids = {
                pid for partner in commercial for pid in partner._ar_lineage() if pid
            }
            companies = companies.parent_ids
        else:
            partner_ids = {pid for pid in commercial.ids if pid}
        if not partner_ids or not companies:
            return self.browse()
        return self.search(
            [
                ("state", "=", "active"),
                ("partner_id", "in", list(partner_ids)),
                ("company_id", "in", companies.ids),
            ]
        )

    @api.model
    def _active_by_key(self, partners, companies, inherited=True):
        """{(commercial partner id, company id): the hold that applies there}.

        With ``inherited``, a customer without a hold of its own in a company takes
        the nearest one: its own in a parent company first, then its parent
        customers'.
        """
        holds = self._get_active(partners, companies, inherited=inherited)
        if not holds:
            return {}
        by_key = {(hold.partner_id.id, hold.company_id.id): hold for hold in holds}
        result = {}
        for company in companies.filtered("id"):
            companies_up = (
                list(reversed(company.parent_ids)) if inherited else [company]
            )
            for partner in partners.commercial_partner_id:
                partners_up = partner._ar_lineage() if inherited else [partner.id]
                hold = next(
                    (
                        by_key[partner_id, company_id.id]
                        for partner_id in partners_up
                        for company_id in companies_up
                        if (partner_id, company_id.id) in by_key
                    ),
                    None,
                )
                if hold:
                    result[partner.id, company.id] = hold
        return result

    @api.model
    def _partner_hold_fields(self):
        return [
            "credit_hold",
            "credit_hold_id",
            "credit_hold_reason",
            "credit_hold_date",
        ]

    # Hold and release ----------------------------------------------------------------

    @api.model
    def _hold(
        self,
        partners,
        reason,
        source="manual",
        release_mode="manual",
        company=None,
        **values,
    ):
        """Put these customers on hold in ``company`` (default: the current company).

        Customers already on hold there keep their hold. Used by other capabilities
        (agency referral: ``source="referral"``). The caller checks who may do it.

        :return: the holds created
        """
        company = company or self.env.company
        held = self._active_by_key(partners, company, inherited=False)
        vals_list = [
            dict(
                values,
                partner_id=partner.id,
                company_id=company.id,
                reason=reason,
                source=source,
                release_mode=release_mode,
            )
            for partner in partners.commercial_partner_id
            if (partner.id, company.id) not in held
        ]
        return self.create(vals_list)

    def _release(self, reason, user=None):
        """Release these holds; logged on each customer with user, date and reason."""
        holds = self.filtered(lambda hold: hold.state == "active")
        if not holds:
            return holds
        if not (reason or "").strip():
            raise UserError(_("Releasing a credit hold needs a reason."))
        user = user or self.env.user
        self._check_manager(_("Only a collections manager can release a credit hold."))
        # sudo: the only way to change these fields (see write); who may is checked
        # above and by the public methods.
        holds.sudo().write(
            {
                "state": "released",
                "released_by_id": user.id,
                "release_reason": reason,
                "release_date": fields.Date.context_today(self),
            }
        )
        holds._log_on_customers(
            lambda hold: _(
                "Released from credit hold in %(company)s by %(user)s: %(reason)s "
                "(on hold since %(date)s: %(hold_reason)s)",
                company=hold.company_id.name,
                user=user.name,
                reason=reason,
                date=hold.date,
                hold_reason=hold.reason,
            )
        )
        self.env["res.partner"].invalidate_model(self._partner_hold_fields())
        return holds

    def action_release(self, reason):
        """Release by hand: collections managers only, always with a reason."""
        self._check_manager(_("Only a collections manager can release a credit hold."))
        return self._release(reason)

    def _log_on_customers(self, body_of):
        """One note per customer in its chatter (holds of one customer joined)."""
        bodies = defaultdict(list)
        for hold in self:
            bodies[hold.partner_id.id].append(body_of(hold))
        self.env["res.partner"].browse(list(bodies))._message_log_batch(
            bodies={
                partner_id: Markup("<br/>").join(Markup("%s") % text for text in texts)
                for partner_id, texts in bodies.items()
            },
            author_id=self.env.user.partner_id.id,
        )

    @api.model
    def _release_paid(self, partners=None, companies=None, today=None):
        """Release the 'when paid' holds whose customer has no overdue invoice left at
        the hold's stage or beyond.

        Called after a payment (``account.move._invoice_paid_hook``) for the customers
        paid, and at the start of each collections run for a whole company.
        """
        domain = [("state", "=", "active"), ("release_mode", "=", "when_paid")]
        if partners is not None:
            domain.append(("partner_id", "in", partners.commercial_partner_id.ids))
        if companies is not None:
            domain.append(("company_id", "in", companies.ids))
        # sudo: a system release triggered by whoever registered the payment (an
        # accountant may only read holds); nothing read here is shown to the user.
        holds = self.sudo().search(domain)
        if not holds:
            return holds
        today = today or fields.Date.context_today(self)
        moves = self.env["account.move"].sudo()
        groups = moves._read_group(
            moves._ar_open_invoice_domain()
            + [
                ("commercial_partner_id", "in", holds.partner_id.ids),
                ("company_id", "in", holds.company_id.ids),
                ("invoice_date_due", "<", today),
            ],
            ["commercial_partner_id", "company_id", "collection_stage_id"],
        )
        worst = {}
        for partner, company, stage in groups:
            key = (partner.id, company.id)
            worst[key] = max(worst.get(key, -1), stage.sequence if stage else -1)
        to_release = holds.filtered(
            lambda hold: (
                (hold.partner_id.id, hold.company_id.id) not in worst
                or (
                    hold.stage_id
                    and worst[(hold.partner_id.id, hold.company_id.id)]
                    < hold.stage_id.sequence
                )
            )
        )
        for stage in to_release.stage_id:
            to_release.filtered(lambda hold, s=stage: hold.stage_id == s)._release(
                _(
                    "paid: no overdue invoice left at stage %(stage)s or beyond",
                    stage=stage.name,
                ),
                user=self.env.user,
            )
        to_release.filtered(lambda hold: not hold.stage_id)._release(
            _("paid: no overdue invoice left"), user=self.env.user
        )
        return to_release

    # Ladder action -------------------------------------------------------------------

    @api.model
    def _ar_ladder_action(self, customer_actions):
        """Ladder action ``credit_hold: {reason, release}`` for a batch of customers."""
        stages = self.env["ar.collection.stage"]._get_by_code()
        companies = self.env["res.company"].browse(
            {action.ladder.company_id.id for action in customer_actions}
        )
        partners = self.env["res.partner"].browse(
            [action.partner.id for action in customer_actions]
        )
        held = self._active_by_key(partners, companies, inherited=False)
        outcomes, vals_list, creating = {}, [], []
        for customer_action in customer_actions:
            key = (customer_action.partner.id, customer_action.ladder.company_id.id)
            if key in held:
                outcomes[customer_action] = {
                    "state": "done",
                    "result": _(
                        "Already on hold since %(date)s: %(reason)s",
                        date=held[key].date,
                        reason=held[key].reason,
                    ),
                }
                continue
            params = customer_action.action.params
            step = customer_action.step
            vals_list.append(
                {
                    "partner_id": customer_action.partner.id,
                    "company_id": customer_action.ladder.company_id.id,
                    "reason": params["reason"],
                    "source": "ladder",
                    "release_mode": params.get("release") or "when_paid",
                    "stage_id": stages[step.stage].id if step.stage else False,
                    "ladder_id": customer_action.ladder.id,
                    "step_code": step.code,
                    "date": customer_action.today,
                }
            )
            creating.append(customer_action)
        holds = self.create(vals_list)
        for customer_action, hold in zip(creating, holds, strict=True):
            outcomes[customer_action] = {
                "state": "done",
                "result": _(
                    "Put on credit hold (%(release)s): %(reason)s",
                    release=dict(RELEASE_MODES)[hold.release_mode],
                    reason=hold.reason,
                ),
            }
        return outcomes

    # Enforcement ---------------------------------------------------------------------

    @api.model
    def _blocked(self, documents, partner_of, company_of):
        """[(document, hold)] for the documents of customers on hold.

        :param partner_of: document -> the partners it is for (any contact: their
            commercial partner counts); ``company_of``: document -> its company, where
            the holds of the company and of its parent companies apply

        sudo: a refusal check that must hold whatever the user's companies; it only
        tells the user why their own document is refused.
        """
        if not documents:
            return []
        partners = self.env["res.partner"].browse(
            {partner.id for doc in documents for partner in partner_of(doc)}
        )
        companies = self.env["res.company"].browse(
            {company_of(doc).id for doc in documents}
        )
        held = self.sudo()._active_by_key(partners, companies)
        blocked = []
        for doc in documents:
            for partner in partner_of(doc).commercial_partner_id:
                hold = held.get((partner.id, company_of(doc).id))
                if hold:
                    blocked.append((doc, hold))
                    break
        return blocked

    @api.model
    def _override_reason(self):
        """The override reason of this call, honoured for override users only."""
        override = self.env.context.get(OVERRIDE_CONTEXT_KEY)
        if (
            isinstance(override, str)
            and override.strip()
            and self.env.user.has_group(OVERRIDE_GROUP)
        ):
            return override.strip()
        return None

    @api.model
    def _enforce(self, documents, partner_of, company_of, what, log_override=True):
        """Refuse ``documents`` of customers on hold, or log an authorised override.

        :param partner_of: document -> partners; ``company_of``: document -> company
        :param what: what is refused, e.g. "post this invoice"
        :param log_override: False for an early check whose change is written (and the
            override logged) by the ``write`` that follows
        :raise UserError: naming the customer, the reason and who can release it

        The override context key is honoured only for users of the override group;
        superuser mode changes nothing.
        """
        blocked = self._blocked(documents, partner_of, company_of)
        if not blocked:
            return
        reason = self._override_reason()
        if reason:
            if log_override:
                self._log_override(blocked, reason)
            return
        doc, hold = blocked[0]
        raise UserError(
            _(
                "You cannot %(what)s (%(document)s): %(customer)s is on credit hold "
                "since %(date)s: %(reason)s.\nA Collections Manager can release the "
                "hold, or a user with 'Credit hold: override' can go ahead once with a "
                "reason.",
                what=what,
                document=doc.display_name,
                customer=hold.partner_id.display_name,
                date=hold.date,
                reason=hold.reason,
            )
        )

    @api.model
    def _log_override(self, blocked, reason):
        user_name = self.env.user.name
        by_model = defaultdict(dict)
        texts_by_hold = defaultdict(list)
        for doc, hold in blocked:
            text = _(
                "Credit hold overridden by %(user)s for %(document)s: %(reason)s",
                user=user_name,
                document=doc.display_name,
                reason=reason,
            )
            by_model[doc._name][doc.id] = Markup("%s") % text
            texts_by_hold[hold.id].append(text)
        for model, bodies in by_model.items():
            self.env[model].browse(list(bodies))._message_log_batch(
                bodies=bodies, author_id=self.env.user.partner_id.id
            )
        hold_bodies = {
            hold_id: Markup("<br/>").join(Markup("%s") % text for text in texts)
            for hold_id, texts in texts_by_hold.items()
        }
        # sudo: logging the override on the hold itself (users may only read holds)
        holds = self.sudo().browse(list(hold_bodies))
        holds._message_log_batch(
            bodies=hold_bodies, author_id=self.env.user.partner_id.id
        )
        holds._log_on_customers(lambda hold: hold_bodies[hold.id])

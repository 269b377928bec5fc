from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

CREDIT_CONTROL_GROUP = "ar_collections.group_credit_control"
# Fields no write may change, whoever the caller (RPC, import, sudo()): they move
# only through the workflow methods, which write them with ``_ar_workflow_write``
# (ar.approval.mixin). The requester (requested_by_id) is locked the same way.
WORKFLOW_FIELDS = frozenset(
    {"state", "decided_by_id", "decision_date", "previous_limit", "hold_id"}
)


class ArCreditRecommendation(models.Model):
    """A collector's recommendation to change a customer's credit limit.

    Draft -> submitted -> approved or rejected. Credit control decides, never the user
    who requested it (the user who submitted it, ``ar.approval.mixin``). Approval
    sets Odoo's own ``credit_limit`` on the customer in the recommendation's company
    and, if asked, puts the customer on credit hold. Credit control gets an
    activity for each submitted recommendation.
    """

    _name = "ar.credit.recommendation"
    _description = "Credit-limit recommendation"
    _inherit = ["ar.approval.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"

    _ar_requester_field = "requested_by_id"
    _ar_workflow_fields = WORKFLOW_FIELDS
    _ar_approval_activity_type = (
        "ar_collections.mail_activity_type_credit_recommendation_approval"
    )

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        readonly=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    current_limit = fields.Monetary(
        compute="_compute_current_limit",
        help="The customer's credit limit in this company now (0: none).",
    )
    previous_limit = fields.Monetary(
        readonly=True, help="The credit limit when the recommendation was approved."
    )
    new_limit = fields.Monetary(
        string="Recommended limit", required=True, tracking=True
    )
    reason = fields.Text(required=True)
    put_on_hold = fields.Boolean(
        string="Put on hold",
        help="On approval, also put the customer on credit hold (released by hand).",
    )
    requested_by_id = fields.Many2one(
        "res.users",
        string="Requested by",
        default=lambda self: self.env.user,
        readonly=True,
        required=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "To approve"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    decision_date = fields.Date(readonly=True)
    decision_comment = fields.Text(tracking=True)
    hold_id = fields.Many2one("ar.credit.hold", string="Credit hold", readonly=True)
    collector_id = fields.Many2one(related="partner_id.collector_id")
    overdue_amount = fields.Monetary(
        related="partner_id.collection_overdue_amount", string="Overdue"
    )

    _sql_constraints = [
        (
            "new_limit_positive",
            "CHECK(new_limit > 0)",
            (
                "The recommended credit limit must be greater than zero (0 means no "
                "limit in Odoo; use 'Put on hold' to stop credit)."
            ),
        ),
    ]

    @api.depends("partner_id", "company_id")
    def _compute_current_limit(self):
        for recommendation in self:
            partner = recommendation.partner_id.with_company(recommendation.company_id)
            recommendation.current_limit = partner.credit_limit if partner else 0.0

    @api.depends("partner_id", "new_limit")
    def _compute_display_name(self):
        for recommendation in self:
            recommendation.display_name = _(
                "Credit limit %(limit)s for %(customer)s",
                limit=recommendation.new_limit,
                customer=recommendation.partner_id.display_name,
            )

    @api.constrains("partner_id")
    def _check_partner(self):
        for recommendation in self:
            if (
                recommendation.partner_id
                != recommendation.partner_id.commercial_partner_id
            ):
                raise ValidationError(
                    _(
                        "A credit limit is set on the company, not on a contact: "
                        "choose %(customer)s instead of %(contact)s.",
                        customer=recommendation.partner_id.commercial_partner_id.display_name,
                        contact=recommendation.partner_id.display_name,
                    )
                )

    def write(self, vals):
        if {"partner_id", "new_limit", "reason", "put_on_hold"} & vals.keys() and any(
            recommendation.state != "draft" for recommendation in self
        ):
            raise UserError(_("Only a draft recommendation can be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_decided(self):
        if any(
            recommendation.state in ("approved", "rejected") for recommendation in self
        ):
            raise UserError(
                _("A decided credit-limit recommendation cannot be deleted.")
            )

    # Approval hooks (ar.approval.mixin) --------------------------------------------

    def _ar_next_approval_group(self):
        self.ensure_one()
        if self.state != "submitted":
            return self.env["res.groups"]
        return self.env.ref(CREDIT_CONTROL_GROUP)

    @api.model
    def _ar_awaiting_domain(self, user):
        if not user.has_group(CREDIT_CONTROL_GROUP):
            return [("id", "=", False)]
        return [("state", "=", "submitted")]

    def _ar_can_approve_depends(self):
        return ["state", "requested_by_id"]

    def _ar_approval_activity_text(self, group):
        return (
            _(
                "Credit limit %(limit)s for %(customer)s",
                limit=self.new_limit,
                customer=self.partner_id.display_name,
            ),
            _(
                "Recommended by %(requester)s: %(reason)s",
                requester=self.requested_by_id.name,
                reason=self.reason,
            ),
        )

    # Workflow ----------------------------------------------------------------------

    def _transition(self, vals):
        """The workflow's write of its own fields (private: not callable by RPC);
        the calling action method has checked the user's right to make it."""
        self._ar_workflow_write(vals)

    def action_submit(self):
        """Submit for credit control; the submitting user becomes the requester."""
        if any(recommendation.state != "draft" for recommendation in self):
            raise UserError(_("Only a draft recommendation can be submitted."))
        self.check_access("write")
        self._ar_set_requester()
        self._transition({"state": "submitted"})
        self._ar_schedule_approval_activities()
        return True

    def _check_can_decide(self):
        if not self.env.su and not self.env.user.has_group(CREDIT_CONTROL_GROUP):
            raise AccessError(
                _(
                    "Only a member of Credit control can approve or reject a "
                    "credit-limit recommendation."
                )
            )
        for recommendation in self:
            if recommendation.state != "submitted":
                raise UserError(
                    _(
                        "%(name)s is not waiting for approval.",
                        name=recommendation.display_name,
                    )
                )
            if recommendation._ar_requester() == self.env.user:
                raise UserError(
                    _(
                        "You requested %(name)s: another member of Credit control must "
                        "decide on it.",
                        name=recommendation.display_name,
                    )
                )

    def action_approve(self):
        self._check_can_decide()
        self._ar_close_approval_activities()
        today = fields.Date.context_today(self)
        for recommendation in self:
            company = recommendation.company_id
            # sudo: credit control is checked above; the limit and the company switch
            # are narrow writes approvers may not have the partner/settings rights for.
            partner = recommendation.partner_id.sudo().with_company(company)
            previous = partner.credit_limit
            if not company.account_use_credit_limit:
                company.sudo().account_use_credit_limit = True
            partner.credit_limit = recommendation.new_limit
            vals = {
                "state": "approved",
                "decided_by_id": self.env.user.id,
                "decision_date": today,
                "previous_limit": previous,
            }
            if recommendation.put_on_hold:
                hold = (
                    self.env["ar.credit.hold"]
                    .sudo()
                    ._hold(
                        recommendation.partner_id,
                        recommendation.reason,
                        source="recommendation",
                        release_mode="manual",
                        company=company,
                        recommendation_id=recommendation.id,
                        user_id=recommendation.requested_by_id.id,
                    )
                )
                vals["hold_id"] = hold.id
            recommendation._transition(vals)
            recommendation.partner_id.with_company(company)._message_log(
                body=_(
                    "Credit limit set to %(limit)s (was %(previous)s) by %(user)s, "
                    "recommended by %(requester)s: %(reason)s",
                    limit=recommendation.new_limit,
                    previous=previous,
                    user=self.env.user.name,
                    requester=recommendation.requested_by_id.name,
                    reason=recommendation.reason,
                )
            )
        return True

    def action_reject(self):
        self._check_can_decide()
        self._ar_close_approval_activities()
        self._transition(
            {
                "state": "rejected",
                "decided_by_id": self.env.user.id,
                "decision_date": fields.Date.context_today(self),
            }
        )
        return True

    def action_reset_to_draft(self):
        if any(recommendation.state != "rejected" for recommendation in self):
            raise UserError(_("Only a rejected recommendation can go back to draft."))
        self.check_access("write")
        self._transition(
            {"state": "draft", "decided_by_id": False, "decision_date": False}
        )
        return True

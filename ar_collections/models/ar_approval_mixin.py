from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class ArApprovalMixin(models.AbstractModel):
    """A request that other people approve: the segregation-of-duties rules shared
    by write-off requests and credit-limit recommendations.

    - The requester (``_ar_requester_field``) is the user who creates, then the
      user who submits (``_ar_set_requester``); no create or write sets it, for
      any caller (RPC, import, sudo()).
    - The workflow fields (``_ar_workflow_fields``) are written only by the
      workflow methods, through ``_ar_workflow_write``: the method checks the
      user's right first, then writes with sudo() inside
      ``ar.workflow.guard._ar_unlocked``, which no RPC caller can reach; a plain
      sudo() write is refused too.
    - An approval comes from a member of the group awaited
      (``_ar_next_approval_group``), never from the requester, never twice from
      one person (``_ar_approved_users``): ``_ar_approval_refusal``.
    - ``can_approve``: the record waits for the current user's approval (searchable,
      for the "To approve" lists); the eligible users get an activity of type
      ``_ar_approval_activity_type``, closed when someone decides.
    """

    _name = "ar.approval.mixin"
    _inherit = ["ar.workflow.guard"]
    _description = "Approval by others than the requester"

    _ar_requester_field = "requester_id"
    _ar_workflow_fields = frozenset()
    _ar_approval_activity_type = None

    can_approve = fields.Boolean(
        string="To approve by me",
        compute="_compute_can_approve",
        search="_search_can_approve",
    )

    # Hooks the models fill in ---------------------------------------------------------

    def _ar_next_approval_group(self):
        """The group whose approval the record awaits (empty: none awaited)."""
        self.ensure_one()
        return self.env["res.groups"]

    def _ar_approved_users(self):
        """The users who already approved the record."""
        self.ensure_one()
        return self.env["res.users"]

    @api.model
    def _ar_awaiting_domain(self, user):
        """Domain of the records awaiting an approval of one of ``user``'s groups."""
        return [("id", "=", False)]

    @api.model
    def _ar_not_approved_by_domain(self, user):
        """Domain (leaves, and-ed) of the records ``user`` has not approved yet."""
        return []

    def _ar_approval_activity_text(self, group):
        """(summary, note) of the activity asking for the approval of ``group``."""
        return _("Approval requested"), False

    def _ar_can_approve_depends(self):
        return []

    # Requester and workflow fields ---------------------------------------------------

    def _ar_workflow_write(self, vals):
        """The workflow's own write: the caller has checked the user's right."""
        return self.sudo()._ar_write_unlocked(vals)

    def _ar_set_requester(self):
        """On submission: the submitting user becomes the requester."""
        self._ar_workflow_write({self._ar_requester_field: self.env.user.id})

    def _ar_check_approval_fields(self, vals):
        if self._ar_is_unlocked():
            return
        if self._ar_requester_field in vals:
            raise UserError(
                _(
                    "The requester of a %(record)s is the user who submits it; it "
                    "cannot be set or changed.",
                    record=self._description.lower(),
                )
            )
        forced = self._ar_workflow_fields & vals.keys()
        if forced:
            raise UserError(
                _(
                    "These fields of a %(record)s are set by its workflow (its "
                    "buttons), not by hand: %(fields)s.",
                    record=self._description.lower(),
                    fields=", ".join(sorted(forced)),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # Whatever the caller says: the creating user, replaced on submission.
            vals.pop(self._ar_requester_field, None)
            self._ar_check_approval_fields(vals)
            vals[self._ar_requester_field] = self.env.user.id
        return super().create(vals_list)

    def write(self, vals):
        self._ar_check_approval_fields(vals)
        return super().write(vals)

    # Who may approve -----------------------------------------------------------------

    def _ar_requester(self):
        return self[self._ar_requester_field]

    def _ar_approval_refusal(self, user):
        """(kind, message) saying why ``user`` may not give the awaited approval,
        kind one of ``requester``, ``twice``, ``group``, ``none``; None: they may."""
        self.ensure_one()
        group = self._ar_next_approval_group()
        if not group:
            return "none", _(
                "%(name)s is not waiting for an approval.", name=self.display_name
            )
        if user == self._ar_requester():
            return "requester", _(
                "the requester cannot approve their own %(record)s",
                record=self._description.lower(),
            )
        if user in self._ar_approved_users():
            return "twice", _(
                "%(user)s has already approved this request; each approval must "
                "come from a different person",
                user=user.name,
            )
        if group not in user.groups_id:
            return "group", _(
                "this approval must come from a member of '%(group)s'",
                group=group.full_name,
            )
        return None

    @api.depends_context("uid")
    @api.depends(lambda self: self._ar_can_approve_depends())
    def _compute_can_approve(self):
        user = self.env.user
        for record in self:
            record.can_approve = not record._ar_approval_refusal(user)

    def _search_can_approve(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'to approve by me'."))
        user = self.env.user
        mine = self._search(
            [
                *self._ar_awaiting_domain(user),
                (self._ar_requester_field, "!=", user.id),
                *self._ar_not_approved_by_domain(user),
            ]
        )
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", mine)]

    def _ar_approval_candidates(self):
        """Users who could give the awaited approval."""
        self.ensure_one()
        root = self.env.ref("base.user_root")
        return self._ar_next_approval_group().users.filtered(
            lambda user, record=self: (
                not user.share
                and user.active
                and user != root
                and not record._ar_approval_refusal(user)
                and record.company_id in user.company_ids
            )
        )

    # Activities ----------------------------------------------------------------------

    def _ar_schedule_approval_activities(self, delay_days=2):
        """An activity for each user who could give the awaited approval."""
        activity_type = self.env.ref(self._ar_approval_activity_type)
        model_id = self.env["ir.model"]._get_id(self._name)
        deadline = fields.Date.context_today(self) + timedelta(days=delay_days)
        vals_list = []
        for record in self:
            group = record._ar_next_approval_group()
            summary, note = record._ar_approval_activity_text(group)
            vals_list.extend(
                {
                    "res_model_id": model_id,
                    "res_id": record.id,
                    "activity_type_id": activity_type.id,
                    "summary": summary,
                    "note": note,
                    "date_deadline": deadline,
                    "user_id": user.id,
                }
                for user in record._ar_approval_candidates()
            )
        # Approvers may hold no right on mail.activity of this model; the activity
        # only points them to a record they are entitled to read.
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(vals_list)

    def _ar_close_approval_activities(self, feedback=None, done=True):
        """The deciding user's activity is marked done; the others are removed."""
        activity_type = self.env.ref(self._ar_approval_activity_type)
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        own = activities.browse()
        if done:
            own = activities.filtered(lambda a: a.user_id == self.env.user)
            own.action_feedback(feedback=feedback or False)
        (activities - own).unlink()

    def _ar_check_may_decide(self, user, approving=True, name=None):
        """Raise an AccessError saying why, unless ``user`` may approve (or, with
        ``approving=False``, reject) this record now (``_ar_decision_refusal`` of
        the model); ``name``: the record's name in the message (its display name)."""
        self.ensure_one()
        why_not = self._ar_decision_refusal(user)
        if not why_not:
            return
        name = name or self.display_name
        if approving:
            message = _("You cannot approve %(name)s: %(why)s.", name=name, why=why_not)
        else:
            message = _("You cannot reject %(name)s: %(why)s.", name=name, why=why_not)
        raise AccessError(message)

from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, models
from odoo.tools import formatLang

ACTIVITY_TYPES = {
    "call": "mail.mail_activity_data_call",
    "email": "mail.mail_activity_data_email",
    "meeting": "mail.mail_activity_data_meeting",
    "todo": "mail.mail_activity_data_todo",
}
"""The ``type`` of an ``activity`` action (``ladder.ACTIVITY_TYPE_CHOICES``) ->
the XML id of its mail.activity.type."""


class ArCollectionAction(models.AbstractModel):
    """The activity channel: a to-do (call, e-mail, meeting) for the collector."""

    _inherit = "ar.collection.action"

    @api.model
    def _ar_activity_type(self, type_code, cache=None):
        xmlid = ACTIVITY_TYPES.get(type_code) or ACTIVITY_TYPES["call"]
        if cache is None:
            return self.env.ref(xmlid)
        return self._ar_ref(xmlid, cache)

    @api.model
    def _ar_action_activity(self, customer_actions):
        partner_model = self.env["ir.model"]._get_id("res.partner")
        cache = {}
        vals_list = []
        for customer_action in customer_actions:
            params = customer_action.action.params
            activity_type = self._ar_activity_type(params.get("type") or "call", cache)
            user = self._ar_assignee(
                customer_action.partner, params.get("assign") or "collector"
            )
            vals_list.append(
                {
                    "res_model_id": partner_model,
                    "res_id": customer_action.partner.id,
                    "activity_type_id": activity_type.id,
                    "summary": params.get("summary")
                    or activity_type.summary
                    or activity_type.name,
                    "note": self._ar_activity_note(customer_action),
                    "date_deadline": customer_action.today
                    + timedelta(days=params.get("due_in_days") or 0),
                    "user_id": user.id,
                }
            )
        activities = (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        outcomes = {}
        for customer_action, activity in zip(customer_actions, activities, strict=True):
            outcomes[customer_action] = {
                "state": "done",
                "result": _(
                    "%(type)s activity for %(user)s",
                    type=activity.activity_type_id.name,
                    user=activity.user_id.name,
                ),
                "activity_id": activity.id,
            }
        return outcomes

    @api.model
    def _ar_assignee(self, partner, assign):
        """The user an activity goes to: collector, salesperson or a login."""
        if assign == "collector":
            return partner.collector_id or partner.user_id or self.env.user
        if assign == "salesperson":
            return partner.user_id or partner.collector_id or self.env.user
        user = self.env["res.users"].search([("login", "=", assign)], limit=1)
        return user or partner.collector_id or self.env.user

    @api.model
    def _ar_activity_note(self, customer_action):
        lines = Markup("").join(
            Markup("<li>%s (due %s): %s</li>")
            % (
                move.name,
                move.invoice_date_due,
                formatLang(
                    self.env, move.amount_residual, currency_obj=move.currency_id
                ),
            )
            for move in customer_action.listed_moves
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (
            _("Ladder step %(step)s", step=customer_action.step.code),
            lines,
        )

from datetime import UTC, datetime, time, timedelta

from markupsafe import Markup

from odoo import _, api, fields, models

from ..ladder.calling import next_call_slot, zone
from .ar_collection_notice_format import NoticeFormatter

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
        formatter = NoticeFormatter(self.env)
        vals_list = []
        for customer_action in customer_actions:
            params = customer_action.action.params
            type_code = params.get("type") or "call"
            activity_type = self._ar_activity_type(type_code, cache)
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
                    "note": self._ar_activity_note(customer_action, formatter),
                    "date_deadline": customer_action.today
                    + timedelta(days=params.get("due_in_days") or 0),
                    "user_id": user.id,
                }
            )
        self._ar_schedule_calls(customer_actions, vals_list)
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
    def _ar_schedule_calls(self, customer_actions, vals_list):
        """Move each call activity to the first time, on or after its due day, inside
        both its collector's calling hours and the customer's business hours (each in
        its own time zone): the day becomes ``date_deadline``, the time ``ar_call_at``.
        A collector without calling hours keeps the ladder's due day."""
        users = self.env["res.users"].browse({vals["user_id"] for vals in vals_list})
        windows = self.env["ar.calling.hours"]._windows_by_user(users)
        now = fields.Datetime.now().replace(tzinfo=UTC)
        for customer_action, vals in zip(customer_actions, vals_list, strict=True):
            params = customer_action.action.params
            user = users.browse(vals["user_id"])
            if (params.get("type") or "call") != "call" or user.id not in windows:
                continue
            partner = customer_action.partner
            company = customer_action.moves.company_id[:1] or self.env.company
            user_tz = user.tz or company.partner_id.tz
            partner_tz = partner.tz or company.partner_id.tz
            day_start = datetime.combine(
                vals["date_deadline"], time(0), tzinfo=zone(user_tz)
            ).astimezone(UTC)
            slot = next_call_slot(
                max(day_start, now),
                windows[user.id],
                user_tz,
                company._ar_customer_windows(),
                partner_tz,
            )
            if slot:
                vals["date_deadline"] = slot.astimezone(zone(user_tz)).date()
                vals["ar_call_at"] = slot.replace(tzinfo=None)

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
    def _ar_activity_note(self, customer_action, formatter):
        lines = Markup("").join(
            Markup("<li>%s (due %s): %s</li>")
            % (
                move.name,
                move.invoice_date_due,
                formatter.text_amount(move.amount_residual, move.currency_id),
            )
            for move in customer_action.listed_moves
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (
            _("Ladder step %(step)s", step=customer_action.step.code),
            lines,
        )

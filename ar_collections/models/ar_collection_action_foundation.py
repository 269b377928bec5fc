from odoo import api, models

from ..ladder import FOUNDATION_SCHEMAS
from .ar_collection_action import ActionKind


class ArCollectionAction(models.AbstractModel):
    """The foundation's kinds: ``email``, ``letter``, ``activity`` (their channels
    are in ``ar_collection_channel_*.py``)."""

    _inherit = "ar.collection.action"

    @api.model
    def _ar_action_kinds(self):
        kinds = super()._ar_action_kinds()
        kinds["email"] = ActionKind(
            FOUNDATION_SCHEMAS["email"],
            handler=self._ar_action_email,
            describe=self._ar_describe_email,
            notice=True,
            count_key="emails",
        )
        kinds["letter"] = ActionKind(
            FOUNDATION_SCHEMAS["letter"],
            handler=self._ar_action_letter,
            describe=self._ar_describe_letter,
            notice=True,
            count_key="letters",
        )
        kinds["activity"] = ActionKind(
            FOUNDATION_SCHEMAS["activity"],
            handler=self._ar_action_activity,
            describe=self._ar_describe_activity,
            count_key="activities",
        )
        return kinds

    @api.model
    def _ar_describe_assignee(self, assign):
        if assign == "collector":
            return self.env._("the collector")
        if assign == "salesperson":
            return self.env._("the salesperson")
        return self.env._("user %(login)s", login=assign)

    @api.model
    def _ar_describe_email(self, action):
        params = action.params
        text = self.env._("E-mail (%(template)s)", template=params.get("template"))
        return text + self._ar_describe_notice_extras(params)

    @api.model
    def _ar_describe_letter(self, action):
        params = action.params
        text = self.env._("Letter (%(template)s)", template=params.get("template"))
        return text + self._ar_describe_notice_extras(params)

    @api.model
    def _ar_describe_notice_extras(self, params):
        """What an e-mail or letter carries: attachments, a law firm's letterhead."""
        statement, invoices = (
            params.get("attach_statement"),
            params.get("attach_invoices"),
        )
        text = ""
        if statement and invoices:
            text = self.env._(" with the statement and the invoices attached")
        elif statement:
            text = self.env._(" with the statement attached")
        elif invoices:
            text = self.env._(" with the invoices attached")
        if params.get("letterhead"):
            text += self.env._(
                ", on the letterhead of %(firm)s", firm=params["letterhead"]
            )
        return text

    @api.model
    def _ar_describe_activity(self, action):
        params = action.params
        activity_type = self._ar_activity_type(params.get("type") or "call")
        days = params.get("due_in_days") or 0
        assignee = self._ar_describe_assignee(params.get("assign") or "collector")
        if days == 0:
            return self.env._(
                "%(type)s activity for %(assignee)s, due today",
                type=activity_type.name,
                assignee=assignee,
            )
        return self.env._(
            "%(type)s activity for %(assignee)s, due in %(days)s day(s)",
            type=activity_type.name,
            assignee=assignee,
            days=days,
        )

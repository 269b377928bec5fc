from odoo import api, models

from ..ladder import AGENCY_SCHEMAS
from .ar_collection_action import ActionKind


class ArCollectionAction(models.AbstractModel):
    """The agency referral capability's kinds: ``refer_to_agency`` and ``legal``."""

    _inherit = "ar.collection.action"

    @api.model
    def _ar_action_kinds(self):
        kinds = super()._ar_action_kinds()
        kinds["refer_to_agency"] = ActionKind(
            AGENCY_SCHEMAS["refer_to_agency"],
            handler=self.env["ar.agency.referral"]._ar_ladder_action,
            describe=self._ar_describe_refer_to_agency,
            after_notice=True,
        )
        kinds["legal"] = ActionKind(
            AGENCY_SCHEMAS["legal"],
            handler=self.env["ar.legal.case"]._ar_ladder_action,
            describe=self._ar_describe_legal,
            after_notice=True,
        )
        return kinds

    @api.model
    def _ar_describe_refer_to_agency(self, action):
        params = action.params
        agency = params.get("agency")
        if agency == "default":
            text = self.env._("Refer to the default collection agency")
        else:
            text = self.env._("Refer to collection agency %(agency)s", agency=agency)
        if params.get("confirm"):
            text = self.env._("%(text)s, sent at once", text=text)
        return text

    @api.model
    def _ar_describe_legal(self, action):
        params = action.params
        text = self.env._("Hand over to legal")
        if params.get("assign"):
            text = self.env._(
                "%(text)s (%(assignee)s)",
                text=text,
                assignee=self._ar_describe_assignee(params["assign"]),
            )
        if params.get("note"):
            text = self.env._("%(text)s: %(note)s", text=text, note=params["note"])
        return text

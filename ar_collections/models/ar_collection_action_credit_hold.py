from odoo import api, models

from ..ladder import CREDIT_HOLD_SCHEMAS
from .ar_collection_action import ActionKind


class ArCollectionAction(models.AbstractModel):
    """The credit hold capability's kind: ``credit_hold``."""

    _inherit = "ar.collection.action"

    @api.model
    def _ar_action_kinds(self):
        kinds = super()._ar_action_kinds()
        kinds["credit_hold"] = ActionKind(
            CREDIT_HOLD_SCHEMAS["credit_hold"],
            handler=self.env["ar.credit.hold"]._ar_ladder_action,
            describe=self._ar_describe_credit_hold,
            after_notice=True,
        )
        return kinds

    @api.model
    def _ar_describe_credit_hold(self, action):
        params = action.params
        if params.get("release") == "manual":
            return self.env._(
                "Credit hold: %(reason)s (released by hand)",
                reason=params.get("reason"),
            )
        return self.env._("Credit hold: %(reason)s", reason=params.get("reason"))

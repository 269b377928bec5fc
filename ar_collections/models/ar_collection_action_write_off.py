from odoo import api, models

from ..ladder import WRITE_OFF_SCHEMAS
from .ar_collection_action import ActionKind


class ArCollectionAction(models.AbstractModel):
    """The write-off capability's kind: ``request_write_off``."""

    _inherit = "ar.collection.action"

    @api.model
    def _ar_action_kinds(self):
        kinds = super()._ar_action_kinds()
        kinds["request_write_off"] = ActionKind(
            WRITE_OFF_SCHEMAS["request_write_off"],
            handler=self.env["ar.write.off.request"]._ar_ladder_action,
            describe=self._ar_describe_request_write_off,
            after_notice=True,
        )
        return kinds

    @api.model
    def _ar_describe_request_write_off(self, action):
        reason = action.params.get("reason")
        labels = dict(
            self.env["ar.write.off.request"]
            ._fields["reason"]
            ._description_selection(self.env)
        )
        return self.env._(
            "Write-off request: %(reason)s", reason=labels.get(reason, reason)
        )

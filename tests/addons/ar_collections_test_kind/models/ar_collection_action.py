from markupsafe import Markup

from odoo import api, models

from odoo.addons.ar_collections.ladder import ActionSchema, ParamSpec
from odoo.addons.ar_collections.models.ar_collection_action import ActionKind

NOTE_SCHEMA = ActionSchema("test_note", {"text": ParamSpec("string", required=True)})


class ArCollectionAction(models.AbstractModel):
    """Registers ``test_note: {text}``: posts the text on the customer's chatter.

    A ladder kind added by another addon, without editing ar_collections: its
    schema, its description and its handler, in one registration.
    """

    _inherit = "ar.collection.action"

    @api.model
    def _ar_action_kinds(self):
        kinds = super()._ar_action_kinds()
        kinds["test_note"] = ActionKind(
            NOTE_SCHEMA,
            handler=self._ar_action_test_note,
            describe=self._ar_describe_test_note,
            count_key="test_notes",
        )
        return kinds

    @api.model
    def _ar_describe_test_note(self, action):
        return self.env._("Note on the customer: %(text)s", text=action.params["text"])

    @api.model
    def _ar_action_test_note(self, customer_actions):
        outcomes = {}
        for customer_action in customer_actions:
            message = customer_action.partner.message_post(
                body=Markup("<p>%s</p>") % customer_action.action.params["text"],
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            outcomes[customer_action] = {
                "state": "done",
                "result": self.env._("Note %(id)s posted", id=message.id),
            }
        return outcomes

from collections.abc import Callable
from dataclasses import dataclass

from odoo import api, models

from ..ladder import ActionSchema, describe_action


@dataclass(frozen=True)
class ActionKind:
    """One action kind, as one registration: what a ladder may write (``schema``),
    how it reads to a person (``describe(action)``, translatable), and what the run
    does (``handler(customer_actions) -> {customer_action: {"state", "result",
    "notice_id", "activity_id"}}``).

    ``notice``: the kind sends the customer a notice (e-mail, letter); such a
    notice is retried when it fails. ``after_notice``: the kind waits until the
    notice of its step has gone out (a hold, a referral, a write-off request never
    comes before the demand). ``before_notice``: the kind is carried out before the
    notices, which then show what it did (late-payment charges). ``count_key``:
    the run's counter of what was done.
    """

    schema: ActionSchema
    handler: Callable
    describe: Callable
    notice: bool = False
    after_notice: bool = False
    before_notice: bool = False
    count_key: str | None = None

    @property
    def kind(self):
        return self.schema.kind


class ArCollectionAction(models.AbstractModel):
    """The registry of the action kinds a ladder step may name.

    Each capability registers its kinds by extending ``_ar_action_kinds`` through
    ``_inherit`` (see ``ar_collection_action_*.py``); another addon adds a kind the
    same way. A kind nobody registers is not installed: a ladder naming it is
    refused.
    """

    _name = "ar.collection.action"
    _description = "Collection action kinds"

    @api.model
    def _ar_action_kinds(self):
        """{kind: ActionKind}; extended by each capability (call super())."""
        return {}

    @api.model
    def _ar_schemas(self):
        """{kind: ActionSchema} of the installed kinds, for the ladder parser."""
        return {kind: entry.schema for kind, entry in self._ar_action_kinds().items()}

    @api.model
    def _ar_describe(self, action, kinds=None):
        """A short, translated text for a parsed action."""
        entry = (kinds or self._ar_action_kinds()).get(action.kind)
        if entry is None:
            return describe_action(action, {})
        return entry.describe(action)

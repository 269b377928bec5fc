from odoo import _, api, models

from ..ladder import CHARGES_SCHEMAS
from ..ladder.fees import FEE_PRESETS
from .ar_collection_action import ActionKind


class ArCollectionAction(models.AbstractModel):
    """The late-payment charges' kinds: ``fee`` and ``charge_interest``.

    Both run before the notices of the batch, so that a step's notice shows the
    charges of the same step (``ar.collection.notice._ar_notice_charges``).
    """

    _inherit = "ar.collection.action"

    @api.model
    def _ar_action_kinds(self):
        kinds = super()._ar_action_kinds()
        kinds["fee"] = ActionKind(
            CHARGES_SCHEMAS["fee"],
            handler=self._ar_action_fee,
            describe=self._ar_describe_fee,
            before_notice=True,
            count_key="fees",
        )
        kinds["charge_interest"] = ActionKind(
            CHARGES_SCHEMAS["charge_interest"],
            handler=self._ar_action_charge_interest,
            describe=self._ar_describe_charge_interest,
            before_notice=True,
            count_key="interest_charges",
        )
        return kinds

    @api.model
    def _ar_action_fee(self, customer_actions):
        Charge = self.env["ar.collection.charge"]
        today = customer_actions[0].today
        pending, notes = Charge._ar_fee_items(customer_actions, today)
        self._ar_post_pending(customer_actions, today, pending)
        return self._ar_charge_outcomes(customer_actions, notes)

    @api.model
    def _ar_action_charge_interest(self, customer_actions):
        Charge = self.env["ar.collection.charge"]
        today = customer_actions[0].today
        pending, notes, missing = Charge._ar_interest_items(customer_actions, today)
        if missing:
            ladders = self.env["ar.dunning.ladder"].union(
                *(ca.ladder for ca in customer_actions)
            )
            self.env["ar.collection.run"]._ar_warn_missing_rates(
                ladders, today, missing
            )
        self._ar_post_pending(customer_actions, today, pending)
        return self._ar_charge_outcomes(customer_actions, notes)

    @api.model
    def _ar_post_pending(self, customer_actions, today, pending):
        Charge = self.env["ar.collection.charge"]
        companies = self.env["res.company"].union(
            *(ca.moves.company_id for ca in customer_actions)
        )
        for company in companies:
            Charge._ar_post_charges(
                company,
                today,
                [item for item in pending if item["move"].company_id == company],
            )

    @api.model
    def _ar_charge_outcomes(self, customer_actions, notes):
        return {
            customer_action: {
                "state": "done",
                "result": "; ".join(notes.get(customer_action, []))
                or _("Nothing to charge."),
            }
            for customer_action in customer_actions
        }

    @api.model
    def _ar_describe_fee(self, action):
        params = action.params
        preset = FEE_PRESETS.get(params.get("preset") or "")
        if preset:
            return _(
                "Fee: %(label)s (%(amount)s %(currency)s)",
                label=preset.label or preset.code,
                amount=preset.amount,
                currency=preset.currency,
            )
        if params.get("requires_agreement"):
            return _(
                "Fee: %(amount)s %(currency)s, if agreed",
                amount=params.get("amount"),
                currency=params.get("currency"),
            )
        return _(
            "Fee: %(amount)s %(currency)s",
            amount=params.get("amount"),
            currency=params.get("currency"),
        )

    @api.model
    def _ar_describe_charge_interest(self, action):
        return _("Charge the late-payment interest accrued")

from odoo import api, models

CHARGE_ACTION_KINDS = ("fee", "charge_interest")


class ArCollectionEvent(models.Model):
    """The event of a charge step keeps the charge's computation: its result says
    what was charged and on what basis, and the charge points to it."""

    _inherit = "ar.collection.event"

    @api.model
    def _create_log_rows(self, vals_list):
        keyed = [
            vals
            for vals in vals_list
            if vals.get("action_kind") in CHARGE_ACTION_KINDS
            and vals.get("state") == "done"
        ]
        if not keyed:
            return super()._create_log_rows(vals_list)
        Charge = self.env["ar.collection.charge"].sudo()
        charges = Charge.search(
            [
                ("event_id", "=", False),
                ("move_id", "in", list({vals["move_id"] for vals in keyed})),
                ("date", "in", list({vals["date"] for vals in keyed})),
            ]
        )
        by_key = {}
        for charge in charges:
            key = (charge.move_id.id, charge.step_code, charge.action_index)
            by_key[key] = by_key.get(key, Charge) | charge
        for vals in keyed:
            found = by_key.get(
                (vals["move_id"], vals["step_code"], vals.get("action_index", 0))
            )
            if found:
                vals["result"] = "; ".join(charge._ar_event_text() for charge in found)
        keyed_ids = {id(vals) for vals in keyed}
        events = super()._create_log_rows(vals_list)
        for vals, event in zip(vals_list, events, strict=True):
            if id(vals) not in keyed_ids:
                continue
            found = by_key.get(
                (vals["move_id"], vals["step_code"], vals.get("action_index", 0))
            )
            if found:
                found._ar_workflow_write({"event_id": event.id})
        return events

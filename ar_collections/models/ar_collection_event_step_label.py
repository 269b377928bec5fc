from odoo import api, fields, models

from ..ladder import step_label


class ArCollectionEvent(models.Model):
    """The step's name next to its code, for people reading the event log."""

    _inherit = "ar.collection.event"

    step_label = fields.Char(
        string="Step name",
        compute="_compute_step_label",
        help="Name of the ladder step (from its ladder), else derived from its code.",
    )

    @api.depends("step_code", "ladder_id")
    def _compute_step_label(self):
        labels = {
            ladder.id: {step.code: step.label for step in ladder._get_parsed().steps}
            for ladder in self.ladder_id
        }
        for event in self:
            code = event.step_code
            event.step_label = code and (
                labels.get(event.ladder_id.id, {}).get(code) or step_label(code)
            )

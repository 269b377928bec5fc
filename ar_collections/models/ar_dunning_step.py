from odoo import fields, models


class ArDunningStep(models.Model):
    """One step of a ladder, as a readable row. Rebuilt from the YAML on every save."""

    _name = "ar.dunning.step"
    _description = "Dunning ladder step"
    _order = "ladder_id, sequence, id"

    ladder_id = fields.Many2one(
        "ar.dunning.ladder", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="ladder_id.company_id", store=True)
    sequence = fields.Integer()
    code = fields.Char(required=True)
    name = fields.Char(
        string="Step", help="The step's name in the YAML, else derived from its code."
    )
    day = fields.Integer(
        help="Days from the invoice due date; negative means before it."
    )
    stage_id = fields.Many2one("ar.collection.stage", ondelete="restrict")
    actions_display = fields.Text(string="Actions")
    rule_snapshot = fields.Text(string="Rule (YAML)")

from odoo import fields, models


class ArCollectionStage(models.Model):
    """How far the collection of an invoice (or a customer) has gone.

    Stages are ordered by ``sequence``: the higher, the more advanced. A customer's
    stage
    is the most advanced stage among its open invoices.
    """

    _name = "ar.collection.stage"
    _description = "Collection stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True, help="Used by dunning ladders (`stage:` of a step)."
    )
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    fold = fields.Boolean(help="Folded in the kanban view of invoices by stage.")
    is_closed = fields.Boolean(
        string="Closed",
        help="Invoices at this stage are no longer collected (paid, written off).",
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "A collection stage code must be unique."),
    ]

    def _get_by_code(self):
        """Map stage code to stage record, for every stage."""
        return {
            stage.code: stage
            for stage in self.with_context(active_test=False).search([])
        }

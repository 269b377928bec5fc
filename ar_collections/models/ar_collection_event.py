from odoo import api, fields, models
from odoo.tools import SQL

EVENT_STATES = [
    ("done", "Done"),
    ("skipped", "Skipped"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]


class ArCollectionEvent(models.Model):
    """One row per ladder step action taken, skipped or failed on an invoice.

    The audit trail, and what makes runs idempotent: a step is taken at most once per
    invoice, enforced by a unique index on (invoice, step, action).
    """

    _name = "ar.collection.event"
    _description = "Collection event"
    _order = "date desc, id desc"
    _rec_name = "step_code"

    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    ladder_id = fields.Many2one("ar.dunning.ladder", ondelete="set null", index=True)
    step_code = fields.Char(string="Step", required=True)
    action_index = fields.Integer(default=0)
    action_kind = fields.Char(string="Action")
    stage_id = fields.Many2one("ar.collection.stage")
    state = fields.Selection(EVENT_STATES, required=True, default="done", index=True)
    date = fields.Date(required=True, index=True, help="Date of the run (as of).")
    result = fields.Text()
    rule_snapshot = fields.Text(
        string="Rule applied", help="The ladder step as it was written when applied."
    )
    notice_id = fields.Many2one("ar.collection.notice", ondelete="set null", index="btree_not_null")
    activity_id = fields.Many2one("mail.activity", ondelete="set null")
    user_id = fields.Many2one(
        "res.users", string="Run by", default=lambda self: self.env.user, readonly=True
    )
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount_residual = fields.Monetary(
        string="Residual at the time",
        currency_field="currency_id",
        help="What was owed on the invoice when the step was taken.",
    )

    def init(self):
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (move_id, step_code, action_index)"
                " WHERE state != 'cancelled'",
                SQL.identifier("ar_collection_event_step_once"),
                SQL.identifier(self._table),
            )
        )

    @api.model
    def _step_history(self, moves):
        """For each invoice: the step codes handled (done or skipped) and the last done date.

        One grouped query, whatever the number of invoices.
        """
        history = {move_id: (set(), None) for move_id in moves.ids}
        groups = self._read_group(
            [("move_id", "in", moves.ids), ("state", "in", ("done", "skipped", "failed"))],
            ["move_id", "step_code", "state"],
            ["date:max"],
        )
        for move, step_code, state, last_date in groups:
            handled, last_done = history[move.id]
            handled.add(step_code)
            if state != "skipped" and (last_done is None or last_date > last_done):
                last_done = last_date
            history[move.id] = (handled, last_done)
        return history

from odoo import api, fields, models
from odoo.tools import SQL

AGEING_BUCKETS = [
    ("not_due", "Not due"),
    ("1_30", "1-30 days"),
    ("31_60", "31-60 days"),
    ("61_90", "61-90 days"),
    ("91_120", "91-120 days"),
    ("over_120", "Over 120 days"),
]
# (bucket, first day late, last day late); None: open-ended.
BUCKET_LIMITS = [
    ("not_due", None, 0),
    ("1_30", 1, 30),
    ("31_60", 31, 60),
    ("61_90", 61, 90),
    ("91_120", 91, 120),
    ("over_120", 121, None),
]


def bucket_of(days_late):
    """The ageing bucket of an item ``days_late`` days past its due date."""
    for bucket, low, high in BUCKET_LIMITS:
        if (low is None or days_late >= low) and (high is None or days_late <= high):
            return bucket
    raise ValueError(days_late)


class ArCollectionAgeing(models.Model):
    """Receivables ageing: one row per open posted customer invoice or credit note.

    Open credit notes are included with a negative residual (they reduce what the
    customer owes, in the bucket of their own due date), so the totals match the
    customer's balance. Amounts are in the currency of the current company: those
    of a selected company with another currency are converted at today's rate
    (as Odoo's Invoice Analysis does), so that totals over several
    companies add up. "Today" is the user's today, taken when the query runs (a
    ``_table_query``, not a stored view), so the buckets are always current.
    """

    _name = "ar.collection.ageing"
    _description = "Receivables ageing"
    _auto = False
    _order = "days_late desc, move_id"
    _rec_name = "move_id"

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    move_type = fields.Selection(
        [("out_invoice", "Invoice"), ("out_refund", "Credit note")],
        string="Type",
        readonly=True,
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    collector_id = fields.Many2one("res.users", string="Collector", readonly=True)
    stage_id = fields.Many2one(
        "ar.collection.stage", string="Collection stage", readonly=True
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    invoice_date = fields.Date(readonly=True)
    date_due = fields.Date(string="Due date", readonly=True)
    days_late = fields.Integer(
        readonly=True, aggregator="max", help="Days past the due date; 0 if not due."
    )
    bucket = fields.Selection(AGEING_BUCKETS, string="Age", readonly=True)
    residual = fields.Monetary(string="Amount due", readonly=True)
    amount_not_due = fields.Monetary(string="Not due", readonly=True)
    amount_1_30 = fields.Monetary(string="1-30", readonly=True)
    amount_31_60 = fields.Monetary(string="31-60", readonly=True)
    amount_61_90 = fields.Monetary(string="61-90", readonly=True)
    amount_91_120 = fields.Monetary(string="91-120", readonly=True)
    amount_over_120 = fields.Monetary(string="Over 120", readonly=True)

    _depends = {
        "account.move": [
            "move_type",
            "state",
            "payment_state",
            "commercial_partner_id",
            "company_id",
            "collection_stage_id",
            "invoice_date",
            "invoice_date_due",
            "amount_residual_signed",
        ],
        "res.partner": ["collector_id"],
    }

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        late = SQL("(%s::date - move.invoice_date_due)", today)
        bucket_cases = SQL(" ").join(
            SQL(
                "WHEN %s THEN %s",
                self._bucket_condition(late, low, high),
                bucket,
            )
            for bucket, low, high in BUCKET_LIMITS
        )
        bucket = SQL("(CASE %s END)", bucket_cases)
        residual = SQL("(move.amount_residual_signed * ar_rate.rate)")
        amounts = SQL(", ").join(
            SQL(
                "CASE WHEN %s THEN %s ELSE 0 END AS %s",
                self._bucket_condition(late, low, high),
                residual,
                SQL.identifier(f"amount_{name}"),
            )
            for name, low, high in BUCKET_LIMITS
        )
        return SQL(
            """
            SELECT move.id AS id,
                   move.id AS move_id,
                   move.move_type AS move_type,
                   move.commercial_partner_id AS partner_id,
                   move.company_id AS company_id,
                   partner.collector_id AS collector_id,
                   move.collection_stage_id AS stage_id,
                   %(currency)s AS currency_id,
                   move.invoice_date AS invoice_date,
                   move.invoice_date_due AS date_due,
                   GREATEST(%(late)s, 0) AS days_late,
                   %(bucket)s AS bucket,
                   %(residual)s AS residual,
                   %(amounts)s
              FROM account_move move
              JOIN res_partner partner ON partner.id = move.commercial_partner_id
              JOIN %(currency_table)s
                ON ar_rate.company_id = move.company_id
             WHERE move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_refund')
               AND move.payment_state IN ('not_paid', 'partial')
               AND move.invoice_date_due IS NOT NULL
            """,
            late=late,
            bucket=bucket,
            amounts=amounts,
            residual=residual,
            currency=self.env.company.currency_id.id,
            currency_table=self.env["res.currency"]._ar_rate_table(self.env.companies),
        )

    @api.model
    def _bucket_condition(self, late, low, high):
        if low is None:
            return SQL("%s <= %s", late, high)
        if high is None:
            return SQL("%s >= %s", late, low)
        return SQL("%s BETWEEN %s AND %s", late, low, high)

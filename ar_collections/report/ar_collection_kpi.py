from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools import SQL

KPI_MONTHS = 24


class ArCollectionKpi(models.Model):
    """Collection KPIs per company and month, over the last 24 months (this one too).

    For a month M of a company (amounts in the current company's currency, those of a
    company with another currency converted at today's rate, as in the ageing; the
    period of the current month ends today):

    * sales: credit sales, i.e. customer invoices minus customer credit notes posted
      (accounting date) in M (``amount_total_signed``);
    * ending receivables: balance of the posted receivable journal items dated on or
      before the end of M (the receivable account balance at that date);
    * beginning receivables: ending receivables of the month before;
    * current receivables: the part of the ending receivables not yet due at the end of
      M: receivable items dated on or before the end of M and due after it, less what
      was reconciled with them on or before the end of M;
    * DSO = ending receivables / sales x days in the period;
    * best possible DSO = current receivables / sales x days in the period;
    * average days delinquent = DSO - best possible DSO;
    * CEI = (beginning receivables + sales - ending receivables)
      / (beginning receivables + sales - current receivables) x 100.

    A ratio whose divisor is zero (no sales, nothing collectable) is 0. The rows are a
    ``_table_query`` evaluated when read, so they are always up to date.
    """

    _name = "ar.collection.kpi"
    _description = "Collection KPIs per month"
    _auto = False
    _order = "month desc, company_id"
    _rec_name = "month"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    month = fields.Date(readonly=True, help="First day of the month.")
    period_end = fields.Date(readonly=True)
    period_days = fields.Integer(string="Days", readonly=True, aggregator="sum")
    sales = fields.Monetary(string="Credit sales", readonly=True)
    beginning_receivable = fields.Monetary(
        string="Beginning receivables", readonly=True, aggregator="avg"
    )
    ending_receivable = fields.Monetary(
        string="Ending receivables", readonly=True, aggregator="avg"
    )
    current_receivable = fields.Monetary(
        string="Current receivables",
        readonly=True,
        aggregator="avg",
        help="Not yet due at the end of the month.",
    )
    overdue_receivable = fields.Monetary(
        string="Overdue receivables", readonly=True, aggregator="avg"
    )
    collected = fields.Monetary(
        readonly=True,
        help="Beginning receivables + sales - ending receivables.",
    )
    dso = fields.Float(string="DSO", readonly=True, aggregator="avg", digits=(16, 1))
    best_possible_dso = fields.Float(
        string="Best possible DSO", readonly=True, aggregator="avg", digits=(16, 1)
    )
    average_days_delinquent = fields.Float(
        string="Average days delinquent",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
    )
    cei = fields.Float(
        string="CEI (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Collection effectiveness index.",
    )

    _depends = {
        "account.move": ["state", "move_type", "date", "amount_total_signed"],
        "account.move.line": [
            "balance",
            "date",
            "date_maturity",
            "account_id",
            "parent_state",
            "company_id",
        ],
        "account.account": ["account_type"],
        "account.partial.reconcile": [
            "amount",
            "max_date",
            "debit_move_id",
            "credit_move_id",
        ],
    }

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        # One month more than shown: its ending receivables begin the first shown month.
        first = today.replace(day=1) - relativedelta(months=KPI_MONTHS)
        return SQL(
            """
            WITH periods AS (
                SELECT company.id AS company_id,
                       %(currency)s AS currency_id,
                       ar_rate.rate AS rate,
                       month::date AS month,
                       LEAST((month + INTERVAL '1 month - 1 day')::date,
                             %(today)s::date) AS period_end
                  FROM res_company company
                  JOIN %(currency_table)s
                    ON ar_rate.company_id = company.id
                 CROSS JOIN generate_series(
                       %(first)s::date, %(today)s::date, INTERVAL '1 month') AS month
            ),
            sales AS (
                -- summed per company and month first: a month's period is its days
                -- up to today, so the month of the entry date is its period
                SELECT move.company_id,
                       date_trunc('month', move.date)::date AS month,
                       SUM(move.amount_total_signed) AS sales
                  FROM account_move move
                 WHERE move.state = 'posted'
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND move.date BETWEEN %(first)s::date AND %(today)s::date
                 GROUP BY 1, 2
            ),
            movements AS (
                -- receivable movements per month; earlier ones fold into the first
                SELECT line.company_id,
                       GREATEST(date_trunc('month', line.date)::date, %(first)s::date)
                           AS month,
                       SUM(line.balance) AS amount
                  FROM account_move_line line
                  JOIN account_account account
                    ON account.id = line.account_id
                   AND account.account_type = 'asset_receivable'
                 WHERE line.parent_state = 'posted'
                   AND line.date <= %(today)s::date
                 GROUP BY 1, 2
            ),
            receivables AS NOT MATERIALIZED (
                -- receivable lines summed per due and entry date, and what was
                -- reconciled with them per reconciliation date: a month joins
                -- these sums, not every line (inlined where it is read: the
                -- reconciliations then reach their lines by id)
                SELECT line.id, line.company_id, line.date, line.date_maturity,
                       line.balance
                  FROM account_move_line line
                  JOIN account_account account
                    ON account.id = line.account_id
                   AND account.account_type = 'asset_receivable'
                 WHERE line.parent_state = 'posted'
                   AND line.date_maturity >= %(first)s::date
            ),
            open_lines AS (
                SELECT company_id, date, date_maturity, SUM(balance) AS amount
                  FROM receivables
                 GROUP BY company_id, date, date_maturity
            ),
            settled AS (
                SELECT company_id, date, date_maturity, max_date,
                       SUM(amount) AS amount
                  FROM (
                    SELECT line.company_id, line.date, line.date_maturity,
                           part.max_date, part.amount
                      FROM receivables line
                      JOIN account_partial_reconcile part
                        ON part.debit_move_id = line.id
                    UNION ALL
                    SELECT line.company_id, line.date, line.date_maturity,
                           part.max_date, -part.amount
                      FROM receivables line
                      JOIN account_partial_reconcile part
                        ON part.credit_move_id = line.id
                  ) parts
                 GROUP BY company_id, date, date_maturity, max_date
            ),
            not_due AS (
                SELECT company_id, month, SUM(amount) AS amount
                  FROM (
                    SELECT period.company_id, period.month, open_lines.amount
                      FROM periods period
                      JOIN open_lines
                        ON open_lines.company_id = period.company_id
                       AND open_lines.date <= period.period_end
                       AND open_lines.date_maturity > period.period_end
                    UNION ALL
                    SELECT period.company_id, period.month, -settled.amount
                      FROM periods period
                      JOIN settled
                        ON settled.company_id = period.company_id
                       AND settled.date <= period.period_end
                       AND settled.date_maturity > period.period_end
                       AND settled.max_date <= period.period_end
                  ) amounts
                 GROUP BY company_id, month
            ),
            figures AS (
                SELECT period.company_id,
                       period.currency_id,
                       period.month,
                       period.period_end,
                       (period.period_end - period.month + 1) AS period_days,
                       COALESCE(sales.sales, 0) * period.rate AS sales,
                       (SUM(COALESCE(movements.amount, 0)) OVER company_months)
                           * period.rate AS ending_receivable,
                       COALESCE(not_due.amount, 0) * period.rate AS current_receivable
                  FROM periods period
                  LEFT JOIN sales
                    ON sales.company_id = period.company_id
                   AND sales.month = period.month
                  LEFT JOIN movements
                    ON movements.company_id = period.company_id
                   AND movements.month = period.month
                  LEFT JOIN not_due
                    ON not_due.company_id = period.company_id
                   AND not_due.month = period.month
                WINDOW company_months AS (
                    PARTITION BY period.company_id ORDER BY period.month)
            ),
            with_beginning AS (
                SELECT figures.*,
                       COALESCE(LAG(ending_receivable) OVER (
                           PARTITION BY company_id ORDER BY month), 0)
                           AS beginning_receivable
                  FROM figures
            )
            SELECT company_id * 100000
                       + EXTRACT(YEAR FROM month)::int * 12
                       + EXTRACT(MONTH FROM month)::int AS id,
                   company_id,
                   currency_id,
                   month,
                   period_end,
                   period_days,
                   sales,
                   beginning_receivable,
                   ending_receivable,
                   current_receivable,
                   ending_receivable - current_receivable AS overdue_receivable,
                   beginning_receivable + sales - ending_receivable AS collected,
                   CASE WHEN sales > 0
                        THEN ending_receivable / sales * period_days ELSE 0 END AS dso,
                   CASE WHEN sales > 0
                        THEN current_receivable / sales * period_days ELSE 0 END
                       AS best_possible_dso,
                   CASE WHEN sales > 0
                        THEN (ending_receivable - current_receivable) / sales
                             * period_days
                        ELSE 0 END AS average_days_delinquent,
                   COALESCE(100.0 * (beginning_receivable + sales - ending_receivable)
                            / NULLIF(beginning_receivable + sales - current_receivable,
                                     0), 0) AS cei
              FROM with_beginning
             WHERE month > %(first)s::date
            """,
            today=today,
            first=first,
            currency=self.env.company.currency_id.id,
            currency_table=self.env["res.currency"]._ar_rate_table(self.env.companies),
        )

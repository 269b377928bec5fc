from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .ar_collection_ageing import AGEING_BUCKETS, BUCKET_LIMITS

MANAGER_GROUP = "ar_collections.group_collections_manager"
OVERDUE_BUCKETS = [bucket for bucket in AGEING_BUCKETS if bucket[0] != "not_due"]
TREND_WEEKS = 12
KPI_SHOWN_MONTHS = 12
CASH_WEEKS = 4


def _list_action(name, model, domain, views=("list", "form"), context=None):
    return {
        "type": "ir.actions.act_window",
        "name": name,
        "res_model": model,
        "domain": domain,
        "views": [[False, view] for view in views],
        "context": context or {},
        "target": "current",
    }


class ArCollectionOverview(models.AbstractModel):
    """The collections overview of the managers: every figure with its list.

    ``get_overview()`` returns, for the user's companies (``self.env.companies``)
    and with the user's access rights, the figures the Overview page shows, each
    with the window action of the records behind it. The figures are read from the
    reports they summarise (``ar.collection.ageing``, ``ar.collection.kpi``) and
    from the case models, a few grouped queries in all.
    """

    _name = "ar.collection.overview"
    _description = "Collections overview"

    @api.model
    def get_overview(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("The collections overview is for collection managers.")
            )
        today = fields.Date.context_today(self)
        company = self.env.company
        unrated = self.env["res.currency"]._ar_currencies_without_rate(
            self.env.companies.currency_id
        )
        return {
            "today": fields.Date.to_string(today),
            "currency_id": company.currency_id.id,
            "currency_note": len(self.env.companies.currency_id) > 1
            and self.env._(
                "Amounts in %(currency)s; those of companies in other currencies "
                "are converted at today's rate.",
                currency=company.currency_id.name,
            ),
            "rate_warning": bool(unrated)
            and self.env._(
                "%(company)s has no exchange rate for %(currencies)s: those amounts "
                "are counted one for one. Set the rates in Accounting, "
                "Configuration, Currencies.",
                company=company.name,
                currencies=", ".join(unrated.mapped("name")),
            ),
            "overdue": self._overview_overdue(today),
            "stages": self._overview_stages(today),
            "top_customers": self._overview_top_customers(),
            "work": self._overview_work(today),
            "kpi": self._overview_kpi(),
            "cash": self._overview_cash(today),
        }

    # Overdue and its trend -----------------------------------------------------

    @api.model
    def _overview_overdue(self, today):
        Ageing = self.env["ar.collection.ageing"]
        overdue = [("days_late", ">", 0)]
        amounts = dict(Ageing._read_group(overdue, ["bucket"], ["residual:sum"]))
        buckets = [
            {
                "key": key,
                "label": label,
                "amount": amounts.get(key, 0.0),
                "action": _list_action(
                    self.env._("Overdue %(bucket)s", bucket=label),
                    Ageing._name,
                    [("bucket", "=", key)],
                ),
            }
            for key, label in OVERDUE_BUCKETS
        ]
        dates = [
            today - timedelta(weeks=week) for week in range(TREND_WEEKS - 1, 0, -1)
        ]
        past = self._overdue_by_bucket_at(dates)
        series = [
            {
                "key": key,
                "label": label,
                "values": [past.get((day, key), 0.0) for day in dates]
                + [amounts.get(key, 0.0)],
            }
            for key, label in OVERDUE_BUCKETS
        ]
        return {
            "total": sum(amounts.values()),
            "action": _list_action(
                self.env._("Overdue invoices"), Ageing._name, overdue
            ),
            "buckets": buckets,
            "trend": {
                "dates": [fields.Date.to_string(day) for day in dates + [today]],
                "series": series,
            },
        }

    @api.model
    def _overdue_by_bucket_at(self, dates):
        """{(date, bucket): overdue amount on that date} for past ``dates``.

        What each posted customer invoice or credit note still owed on the date:
        its receivable lines less what was reconciled with them on or before it,
        in the ageing bucket of its due date as of that date; the same rows as the
        ageing report would have shown that day, summed, in the current company's
        currency as the ageing (today's rate).
        """
        self.env["ar.collection.ageing"].check_access("read")
        late = SQL("(dates.day - owed.due)")
        bucket = SQL(
            "(CASE %s END)",
            SQL(" ").join(
                SQL(
                    "WHEN %s THEN %s",
                    self.env["ar.collection.ageing"]._bucket_condition(late, low, high),
                    key,
                )
                for key, low, high in BUCKET_LIMITS
            ),
        )
        rows = self.env.execute_query(
            SQL(
                """
                WITH dates AS (
                    SELECT unnest(%(dates)s::date[]) AS day
                ),
                lines AS (
                    SELECT line.id, line.move_id,
                           line.balance * ar_rate.rate AS balance,
                           ar_rate.rate,
                           move.invoice_date_due AS due, move.date AS move_date
                      FROM account_move_line line
                      JOIN account_move move ON move.id = line.move_id
                      JOIN %(currency_table)s
                        ON ar_rate.company_id = move.company_id
                      JOIN account_account account
                        ON account.id = line.account_id
                       AND account.account_type = 'asset_receivable'
                     WHERE move.state = 'posted'
                       AND move.move_type IN ('out_invoice', 'out_refund')
                       AND move.company_id = ANY(%(companies)s)
                       AND move.invoice_date_due < %(last)s::date
                ),
                -- what was owed and what was settled, summed per due date and
                -- invoice date first: the bucket of a day depends on nothing else,
                -- and a day joins a few thousand sums instead of every invoice
                settled AS (
                    SELECT due, move_date, max_date, SUM(amount) AS amount
                      FROM (
                        SELECT lines.due, lines.move_date, part.max_date,
                               part.amount * lines.rate AS amount
                          FROM lines
                          JOIN account_partial_reconcile part
                            ON part.debit_move_id = lines.id
                        UNION ALL
                        SELECT lines.due, lines.move_date, part.max_date,
                               -part.amount * lines.rate
                          FROM lines
                          JOIN account_partial_reconcile part
                            ON part.credit_move_id = lines.id
                      ) parts
                     GROUP BY due, move_date, max_date
                ),
                owed AS (
                    SELECT due, move_date, SUM(balance) AS balance
                      FROM lines
                     GROUP BY due, move_date
                ),
                at_date AS (
                    SELECT dates.day, %(bucket)s AS bucket, owed.balance AS amount
                      FROM dates
                      JOIN owed
                        ON owed.move_date <= dates.day AND owed.due < dates.day
                    UNION ALL
                    SELECT dates.day, %(bucket)s AS bucket, -owed.amount
                      FROM dates
                      JOIN settled AS owed
                        ON owed.move_date <= dates.day AND owed.due < dates.day
                       AND owed.max_date <= dates.day
                )
                SELECT day, bucket, SUM(amount)
                  FROM at_date
                 GROUP BY day, bucket
                """,
                dates=[fields.Date.to_string(day) for day in dates],
                companies=self.env.companies.ids,
                last=max(dates),
                bucket=bucket,
                currency_table=self.env["res.currency"]._ar_rate_table(
                    self.env.companies
                ),
            )
        )
        return {(day, key): amount for day, key, amount in rows}

    # Stages ---------------------------------------------------------------------

    @api.model
    def _overview_stages(self, today):
        """Open amounts by stage, and the part of them that entered the stage in
        the last 7 days (an invoice whose ladder set its current stage this week)."""
        Ageing = self.env["ar.collection.ageing"]
        groups = Ageing._read_group([], ["stage_id"], ["residual:sum", "__count"])
        week_ago = today - timedelta(days=7)
        event_domain = [
            ("date", ">", week_ago),
            ("state", "=", "done"),
            ("stage_id", "!=", False),
        ]

        def moved_domain(stage):
            events = [*event_domain, ("stage_id", "=", stage.id)]
            return [
                ("stage_id", "=", stage.id),
                ("move_id.collection_event_ids", "any", events),
            ]

        # the union of the stages' moved_domain in one subquery: an invoice whose
        # done event of the week set the stage it is in now (an OR of one subquery
        # per stage read the invoices once per stage)
        self.env["account.move"].flush_model(["collection_stage_id"])
        self.env["ar.collection.event"].flush_model(
            ["move_id", "date", "state", "stage_id"]
        )
        entered_now = SQL(
            """(SELECT event.move_id
                  FROM ar_collection_event event
                  JOIN account_move move ON move.id = event.move_id
                 WHERE event.date > %s AND event.state = 'done'
                   AND event.stage_id = move.collection_stage_id)""",
            week_ago,
        )
        moved = {
            stage: (amount, count)
            for stage, amount, count in Ageing._read_group(
                [("move_id", "in", entered_now)],
                ["stage_id"],
                ["residual:sum", "__count"],
            )
        }
        stages = []
        for stage, amount, count in sorted(
            groups, key=lambda group: (group[0].sequence, group[0].id)
        ):
            name = stage.name or self.env._("No stage")
            moved_amount, moved_count = moved.get(stage, (0.0, 0))
            stages.append(
                {
                    "id": stage.id,
                    "name": name,
                    "amount": amount,
                    "count": count,
                    "action": _list_action(
                        self.env._("Stage %(stage)s", stage=name),
                        Ageing._name,
                        [("stage_id", "=", stage.id)],
                    ),
                    "moved_amount": moved_amount,
                    "moved_count": moved_count,
                    "moved_action": _list_action(
                        self.env._("Entered %(stage)s this week", stage=name),
                        Ageing._name,
                        moved_domain(stage) if stage else [("id", "=", False)],
                    ),
                }
            )
        return stages

    # Top customers --------------------------------------------------------------

    @api.model
    def _overview_top_customers(self):
        groups = self.env["ar.collection.ageing"]._read_group(
            [("days_late", ">", 0)],
            ["partner_id"],
            ["residual:sum"],
            having=[("residual:sum", ">", 0)],
            order="residual:sum desc, partner_id",
            limit=10,
        )
        partners = self.env["res.partner"].concat(*(partner for partner, _a in groups))
        partners.fetch(["name", "collector_id"])
        return [
            {
                "id": partner.id,
                "name": partner.display_name,
                "amount": amount,
                "collector": partner.collector_id.name or "",
                "stage": partner.collection_stage_id.name or "",
                "action": {
                    "type": "ir.actions.act_window",
                    "res_model": "res.partner",
                    "res_id": partner.id,
                    "views": [[False, "form"]],
                    "target": "current",
                },
            }
            for partner, amount in groups
        ]

    # Today's work ---------------------------------------------------------------

    @api.model
    def _overview_work(self, today):
        yesterday = today - timedelta(days=1)
        items = [
            (
                "promises_due",
                self.env._("Promises due today"),
                "ar.collection.promise",
                [("state", "=", "open"), ("date", "=", today)],
                "amount",
            ),
            (
                "promises_broken",
                self.env._("Promises broken yesterday"),
                "ar.collection.promise",
                [("state", "=", "broken"), ("date_closed", "=", yesterday)],
                "amount",
            ),
            (
                "instalments_due",
                self.env._("Plan instalments due today"),
                "ar.payment.plan.instalment",
                [("plan_id.state", "=", "active"), ("date", "=", today)],
                "amount",
            ),
            (
                "disputes_late",
                self.env._("Disputes past their due date"),
                "ar.collection.dispute",
                [("state", "=", "open"), ("date_due", "<", today)],
                "amount_disputed",
            ),
            (
                "write_offs_to_approve",
                self.env._("Write-offs waiting for you"),
                "ar.write.off.request",
                [("can_approve", "=", True)],
                None,
            ),
            (
                "credit_limits_to_approve",
                self.env._("Credit limits waiting for you"),
                "ar.credit.recommendation",
                [("can_approve", "=", True)],
                None,
            ),
            (
                "failed_notices",
                self.env._("Failed notices"),
                "ar.collection.event",
                [("state", "=", "failed"), ("action_kind", "in", ("email", "letter"))],
                None,
            ),
        ]
        Currency = self.env["res.currency"]
        work = []
        for key, label, model, domain, amount_field in items:
            Model = self.env[model]
            if not Model.has_access("read"):
                continue
            if key == "instalments_due":
                due = Model.search(domain).filtered(lambda i: i.state == "pending")
                domain = [("id", "in", due.ids)]
                count = len(due)
                amount = Currency._ar_converted_sum(
                    (i.currency_id, i.amount - i.amount_paid) for i in due
                )
            elif amount_field:
                # cases are in their company's currency: summed per company
                groups = Model._read_group(
                    domain, ["company_id"], ["__count", f"{amount_field}:sum"]
                )
                count = sum(group_count for _company, group_count, _sum in groups)
                amount = Currency._ar_converted_sum(
                    (company.currency_id, total) for company, _count, total in groups
                )
            else:
                amount = None
                [(count,)] = Model._read_group(domain, [], ["__count"])
            work.append(
                {
                    "key": key,
                    "label": label,
                    "count": count,
                    "amount": amount,
                    "action": _list_action(label, model, domain),
                }
            )
        return work

    # KPIs and cash --------------------------------------------------------------

    @api.model
    def _overview_kpi(self):
        Kpi = self.env["ar.collection.kpi"]
        groups = Kpi._read_group(
            [],
            ["month:month"],
            [
                "sales:sum",
                "beginning_receivable:sum",
                "ending_receivable:sum",
                "current_receivable:sum",
                "period_days:max",
            ],
            order="month:month desc",
            limit=KPI_SHOWN_MONTHS,
        )
        months = []
        for month, sales, beginning, ending, current, days in reversed(groups):
            collectable = beginning + sales - current
            months.append(
                {
                    "month": fields.Date.to_string(month),
                    "dso": ending / sales * days if sales > 0 else 0.0,
                    "best_possible_dso": current / sales * days if sales > 0 else 0.0,
                    "cei": 100.0 * (beginning + sales - ending) / collectable
                    if collectable
                    else 0.0,
                }
            )
        return {
            "months": months,
            "action": _list_action(
                self.env._("Collection KPIs"),
                Kpi._name,
                [("month", ">=", months[0]["month"])] if months else [],
                views=("graph", "list", "pivot"),
            ),
        }

    @api.model
    def _overview_cash(self, today):
        last = today + timedelta(weeks=CASH_WEEKS, days=-1)
        Currency = self.env["res.currency"]
        promises = self.env["ar.collection.promise"].search_fetch(
            [("state", "=", "open"), ("date", ">=", today), ("date", "<=", last)],
            ["date", "amount", "company_id"],
        )
        instalments = (
            self.env["ar.payment.plan.instalment"]
            .search(
                [
                    ("plan_id.state", "=", "active"),
                    ("date", ">=", today),
                    ("date", "<=", last),
                ]
            )
            .filtered(lambda instalment: instalment.state == "pending")
        )
        weeks = []
        for week in range(CASH_WEEKS):
            start = today + timedelta(weeks=week)
            end = start + timedelta(days=6)
            in_week = promises.filtered(lambda p, s=start, e=end: s <= p.date <= e)
            due = instalments.filtered(lambda i, s=start, e=end: s <= i.date <= e)
            from_promises = Currency._ar_converted_sum(
                (p.currency_id, p.amount) for p in in_week
            )
            from_plans = Currency._ar_converted_sum(
                (i.currency_id, i.amount - i.amount_paid) for i in due
            )
            weeks.append(
                {
                    "start": fields.Date.to_string(start),
                    "end": fields.Date.to_string(end),
                    "promises": from_promises,
                    "plans": from_plans,
                    "total": from_promises + from_plans,
                    "promises_action": _list_action(
                        self.env._(
                            "Promises due %(start)s to %(end)s", start=start, end=end
                        ),
                        "ar.collection.promise",
                        [("id", "in", in_week.ids)],
                    ),
                    "plans_action": _list_action(
                        self.env._(
                            "Instalments due %(start)s to %(end)s", start=start, end=end
                        ),
                        "ar.payment.plan.instalment",
                        [("id", "in", due.ids)],
                    ),
                }
            )
        return {"weeks": weeks, "total": sum(week["total"] for week in weeks)}

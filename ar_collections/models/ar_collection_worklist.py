from datetime import UTC

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL, OrderedSet

from odoo.addons.base.models.res_partner import _tz_get

from ..ladder import LADDER_END
from ..ladder.calling import in_business_hours, zone

SORT_RANKS = [
    ("0", "Broken promise or plan"),
    ("1", "To work"),
    ("2", "Waiting: dispute, promise or plan"),
]

NEXT_ACTION_STATES = [
    ("planned", "Planned"),
    ("next_run", "At the next run"),
    ("waiting", "Waiting for a change"),
    ("finished", "Ladder finished"),
    ("no_ladder", "No ladder"),
]


class ArCollectionWorklist(models.Model):
    """The collectors' worklist: a row per customer with overdue invoices, per company.

    A read-only SQL query computed as of today (so it always agrees with the
    invoices, promises and disputes), ordered by ``sort_rank`` then ``priority``:
    broken promises and breached plans first; then the priority score
    (``amount weight x overdue / 1,000 + age weight x oldest days late``, weights
    in the collections settings); customers waiting on an open dispute, a promise
    not yet due or an active payment plan last.
    """

    _name = "ar.collection.worklist"
    _description = "Collections worklist"
    _auto = False
    _order = "sort_rank, priority desc, overdue_amount desc, partner_id"
    _rec_name = "partner_id"
    _depends = {
        "account.move": [
            "commercial_partner_id",
            "company_id",
            "move_type",
            "state",
            "payment_state",
            "invoice_date_due",
            "amount_residual_signed",
            "collection_next_date",
            "collection_next_step",
            "collection_ladder_id",
        ],
        "res.partner": ["collector_id", "user_id", "country_id", "collection_stage_id"],
        "res.company": ["ar_priority_weight_amount", "ar_priority_weight_age"],
        "ar.collection.contact": ["partner_id", "company_id", "date"],
        "ar.collection.promise": [
            "partner_id",
            "company_id",
            "state",
            "date",
            "amount",
            "followed_up",
        ],
        "ar.collection.dispute": ["partner_id", "company_id", "state"],
        "ar.payment.plan": ["partner_id", "company_id", "state", "followed_up"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    collector_id = fields.Many2one("res.users", string="Collector", readonly=True)
    salesperson_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    stage_id = fields.Many2one("ar.collection.stage", string="Stage", readonly=True)
    overdue_amount = fields.Monetary(readonly=True, currency_field="currency_id")
    overdue_count = fields.Integer(string="Overdue invoices", readonly=True)
    oldest_days_late = fields.Integer(
        string="Days late",
        readonly=True,
        aggregator="max",
        help="Days late of the customer's oldest overdue invoice.",
    )
    priority = fields.Float(
        string="Priority", readonly=True, digits=(16, 1), aggregator="max"
    )
    sort_rank = fields.Selection(SORT_RANKS, string="Rank", readonly=True)
    last_contact_date = fields.Date(string="Last contact", readonly=True)
    next_action_date = fields.Date(
        string="Next step",
        readonly=True,
        help="When the next ladder step is due on one of the customer's invoices; "
        "empty when none is planned (see Next step status).",
    )
    next_action_state = fields.Selection(
        NEXT_ACTION_STATES,
        string="Next step status",
        readonly=True,
        help="Planned: on the date shown. At the next run: an invoice the ladder has "
        "not looked at yet. Waiting for a change: every invoice is held (excluded, "
        "disputed, on a plan...) until that ends. Ladder finished: every step is "
        "behind every overdue invoice. No ladder: no ladder applies to the "
        "customer.",
    )
    phone = fields.Char(related="partner_id.phone", string="Phone")
    email = fields.Char(related="partner_id.email", string="E-mail")
    open_promise_id = fields.Many2one(
        "ar.collection.promise", string="Open promise", readonly=True
    )
    open_promise_date = fields.Date(
        string="Promise", readonly=True, help="Date the open promise to pay is for."
    )
    open_promise_amount = fields.Monetary(
        string="Promised",
        readonly=True,
        currency_field="currency_id",
        help="Amount of the open promise to pay.",
    )
    customer_tz = fields.Selection(related="partner_id.tz", string="Time zone")
    customer_time = fields.Char(
        string="Their time",
        compute="_compute_call_now",
        help="The time now where the customer is (its time zone, else the company's).",
    )
    call_now = fields.Boolean(
        string="Call now",
        compute="_compute_call_now",
        search="_search_call_now",
        help="The customer is inside its business hours now (Monday to Friday, the "
        "hours of the collections settings, in the customer's time zone).",
    )
    has_open_dispute = fields.Boolean(string="Disputed", readonly=True)
    has_broken_promise = fields.Boolean(string="Broken promise", readonly=True)
    has_active_plan = fields.Boolean(string="On a payment plan", readonly=True)

    # Speed (10,000 rows over 100,000 invoices, evaluated for the page, its count and
    # the groups): the invoices are read once and grouped once, with plain COUNTs
    # (the status is worked out on the grouped row, not with BOOL_OR per invoice);
    # the customer and its company are LEFT JOINs (always there: an open invoice has
    # both), so that PostgreSQL estimates the row count right (hash joins) and drops
    # the joins a count or a group does not need, like those of contacts, promises,
    # disputes and plans (unique per customer and company).
    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        return SQL(
            """
            WITH overdue AS (
                SELECT MIN(am.id) AS id,
                       am.commercial_partner_id AS partner_id,
                       am.company_id,
                       SUM(am.amount_residual_signed) AS overdue_amount,
                       COUNT(*) AS overdue_count,
                       MIN(am.invoice_date_due) AS oldest_due,
                       MIN(am.collection_next_date) FILTER (
                           WHERE am.collection_next_date < %(end)s
                       ) AS next_action_date,
                       COUNT(am.collection_next_date) AS dated_count,
                       COUNT(am.collection_ladder_id) AS ladder_count,
                       COUNT(am.collection_next_step) AS step_count
                  FROM account_move am
                 WHERE am.move_type = 'out_invoice'
                   AND am.state = 'posted'
                   AND am.payment_state IN ('not_paid', 'partial')
                   AND am.invoice_date_due < %(today)s
                   AND am.commercial_partner_id IS NOT NULL
                 GROUP BY am.commercial_partner_id, am.company_id
            ),
            contact AS (
                SELECT partner_id, company_id, MAX(date) AS last_contact_date
                  FROM ar_collection_contact
                 GROUP BY partner_id, company_id
            ),
            promise AS (
                SELECT DISTINCT ON (partner_id, company_id)
                       partner_id, company_id, id, date, amount
                  FROM ar_collection_promise
                 WHERE state = 'open'
                 ORDER BY partner_id, company_id, date, id
            ),
            broken AS (
                SELECT partner_id, company_id FROM ar_collection_promise
                 WHERE state = 'broken' AND followed_up IS NOT TRUE
                 UNION
                SELECT partner_id, company_id FROM ar_payment_plan
                 WHERE state = 'breached' AND followed_up IS NOT TRUE
            ),
            dispute AS (
                SELECT DISTINCT partner_id, company_id FROM ar_collection_dispute
                 WHERE state = 'open'
            ),
            plan AS (
                SELECT DISTINCT partner_id, company_id FROM ar_payment_plan
                 WHERE state = 'active'
            )
            SELECT o.id,
                   o.partner_id,
                   o.company_id,
                   co.currency_id,
                   p.collector_id,
                   p.user_id AS salesperson_id,
                   p.country_id,
                   p.collection_stage_id AS stage_id,
                   o.overdue_amount,
                   o.overdue_count,
                   (%(today)s - o.oldest_due) AS oldest_days_late,
                   ROUND((COALESCE(co.ar_priority_weight_amount, 0) * o.overdue_amount
                          / 1000.0
                          + COALESCE(co.ar_priority_weight_age, 0)
                          * (%(today)s - o.oldest_due))::numeric, 1) AS priority,
                   CASE WHEN b.partner_id IS NOT NULL THEN '0'
                        WHEN d.partner_id IS NOT NULL OR pl.partner_id IS NOT NULL
                             OR pr.date >= %(today)s THEN '2'
                        ELSE '1' END AS sort_rank,
                   c.last_contact_date,
                   o.next_action_date,
                   CASE WHEN o.dated_count < o.overdue_count THEN 'next_run'
                        WHEN o.next_action_date IS NOT NULL THEN 'planned'
                        WHEN o.ladder_count = 0 THEN 'no_ladder'
                        WHEN o.step_count = 0 THEN 'finished'
                        ELSE 'waiting' END AS next_action_state,
                   pr.id AS open_promise_id,
                   pr.date AS open_promise_date,
                   pr.amount AS open_promise_amount,
                   d.partner_id IS NOT NULL AS has_open_dispute,
                   b.partner_id IS NOT NULL AS has_broken_promise,
                   pl.partner_id IS NOT NULL AS has_active_plan
              FROM overdue o
              LEFT JOIN res_partner p ON p.id = o.partner_id
              LEFT JOIN res_company co ON co.id = o.company_id
              LEFT JOIN contact c
                     ON c.partner_id = o.partner_id AND c.company_id = o.company_id
              LEFT JOIN promise pr
                     ON pr.partner_id = o.partner_id AND pr.company_id = o.company_id
              LEFT JOIN (SELECT DISTINCT partner_id, company_id FROM broken) b
                     ON b.partner_id = o.partner_id AND b.company_id = o.company_id
              LEFT JOIN dispute d
                     ON d.partner_id = o.partner_id AND d.company_id = o.company_id
              LEFT JOIN plan pl
                     ON pl.partner_id = o.partner_id AND pl.company_id = o.company_id
            """,
            today=today,
            end=LADDER_END,
        )

    def _columns_to_fetch(self, fields):
        """The given fields and every other column of the rows: they all come
        from the same evaluation of the view, whereas a column fetched later (the
        company of the multi-company rule when a collector reads the page, a field
        of another view) would evaluate it again for the ids."""
        columns = [
            field
            for field in self._fields.values()
            if field.store and field.column_type and field.is_accessible(self.env)
        ]
        return OrderedSet([*fields, *columns])

    def _fetch_query(self, query, fields):
        return super()._fetch_query(query, self._columns_to_fetch(fields))

    @api.model
    @api.readonly
    def web_search_read(
        self, domain, specification, offset=0, limit=None, order=None, count_limit=None
    ):
        """The page and the number of rows from one evaluation of the view: the
        count is a window ``COUNT(*) OVER ()`` of the page's query (taken before
        its LIMIT and OFFSET, same domain and record rules), not a second query.
        The length returned is the one of the standard method."""
        if not limit:
            return super().web_search_read(
                domain, specification, offset, limit, order, count_limit
            )
        query = self._search(
            domain, offset=offset, limit=limit, order=order or self._order
        )
        if query.is_empty():
            return {"length": 0, "records": []}
        fields = self._determine_fields_to_fetch(list(specification))
        columns = [
            field
            for field in self._columns_to_fetch(fields)
            if field.column_type and field.name != "id"
        ]
        rows = self.env.execute_query(
            query.select(
                SQL.identifier(self._table, "id"),
                *(self._field_to_sql(self._table, f.name, query) for f in columns),
                SQL("COUNT(*) OVER ()"),
            )
        )
        if not rows:
            return {"length": 0, "records": []}
        ids, *values, totals = zip(*rows, strict=True)
        records = self.browse(ids)
        for field, column_values in zip(columns, values, strict=True):
            self.env.cache.insert_missing(records, field, column_values)
        result = records.web_read(specification)
        current = offset + len(result)
        if (len(result) == limit and not (count_limit and count_limit <= current)) or (
            self.env.context.get("force_search_count")
        ):
            length = min(totals[0], count_limit) if count_limit else totals[0]
        else:
            length = current
        return {"length": length, "records": result}

    # Call now -------------------------------------------------------------------------

    def _compute_call_now(self):
        now = fields.Datetime.now().replace(tzinfo=UTC)
        for row in self:
            tz_name = row.partner_id.tz or row.company_id.partner_id.tz
            row.customer_time = now.astimezone(zone(tz_name)).strftime("%H:%M")
            row.call_now = in_business_hours(
                now, tz_name, row.company_id._ar_customer_windows()
            )

    @api.model
    def _search_call_now(self, operator, value):
        """Customers in business hours now: the time zones where it is business time
        are worked out per company, in Python (no query per customer)."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        now = fields.Datetime.now().replace(tzinfo=UTC)
        zones = [code for code, _label in _tz_get(self)]
        domains = []
        for company in self.env.companies:
            windows = company._ar_customer_windows()
            open_zones = [
                name for name in zones if in_business_hours(now, name, windows)
            ]
            partner_domain = [("partner_id.tz", "in", open_zones)]
            if (company.partner_id.tz or "UTC") in open_zones:
                partner_domain = expression.OR(
                    [partner_domain, [("partner_id.tz", "=", False)]]
                )
            domains.append(
                expression.AND([[("company_id", "=", company.id)], partner_domain])
            )
        domain = expression.normalize_domain(expression.OR(domains))
        return domain if (operator == "=") == value else ["!", *domain]

    # Row actions ---------------------------------------------------------------------

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_log_contact(self):
        self.ensure_one()
        return self.partner_id.with_company(
            self.company_id
        ).action_collection_log_contact()

    def action_reassign(self):
        return self.env["ar.collector.reassign.wizard"]._open_for(self.partner_id)

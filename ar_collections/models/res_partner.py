from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .account_move import OPEN_PAYMENT_STATES

# Days of difference in average lateness below which the payment trend is "stable".
PAYMENT_TREND_TOLERANCE = 2


class ResPartner(models.Model):
    _inherit = "res.partner"

    collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        tracking=True,
        help="The user responsible for collecting from this customer.",
    )
    collection_ladder_id = fields.Many2one(
        "ar.dunning.ladder",
        string="Dunning ladder",
        company_dependent=True,
        help="Overrides the ladder chosen by 'applies_to' and the company default.",
    )
    collection_move_ids = fields.One2many(
        "account.move",
        "commercial_partner_id",
        string="Customer invoices",
        domain=[("move_type", "=", "out_invoice")],
        readonly=True,
    )
    collection_stage_id = fields.Many2one(
        "ar.collection.stage",
        string="Collection stage",
        compute="_compute_collection_stage_id",
        store=True,
        index=True,
        group_expand="_read_group_collection_stage_ids",
        help="The most advanced stage among the customer's open invoices.",
    )
    collection_excluded = fields.Boolean(
        string="Excluded from dunning", tracking=True, copy=False
    )
    collection_exclusion_reason = fields.Char(tracking=True, copy=False)
    collection_exclusion_until = fields.Date(
        string="Excluded until", tracking=True, copy=False
    )
    collection_overdue_amount = fields.Monetary(
        string="Overdue",
        compute="_compute_collection_amounts",
        currency_field="collection_currency_id",
    )
    collection_open_amount = fields.Monetary(
        string="Open",
        compute="_compute_collection_amounts",
        currency_field="collection_currency_id",
    )
    collection_currency_id = fields.Many2one(
        "res.currency", compute="_compute_collection_amounts"
    )
    collection_event_count = fields.Integer(compute="_compute_collection_event_count")

    # Credit hold (per company: the hold of the current company) ----------------------
    credit_hold = fields.Boolean(
        string="On credit hold",
        compute="_compute_credit_hold",
        search="_search_credit_hold",
        help="New invoices and sale orders of this customer (and all its contacts) are "
        "refused in the current company until the hold is released.",
    )
    credit_hold_id = fields.Many2one(
        "ar.credit.hold", string="Active credit hold", compute="_compute_credit_hold"
    )
    credit_hold_reason = fields.Char(compute="_compute_credit_hold")
    credit_hold_date = fields.Date(
        string="On credit hold since", compute="_compute_credit_hold"
    )
    credit_hold_user_id = fields.Many2one(
        "res.users", string="Put on hold by", compute="_compute_credit_hold"
    )
    credit_hold_ids = fields.One2many(
        "ar.credit.hold", "partner_id", string="Credit holds", readonly=True
    )

    @api.depends(
        "collection_move_ids.collection_stage_id",
        "collection_move_ids.payment_state",
        "collection_move_ids.state",
    )
    def _compute_collection_stage_id(self):
        for partner in self:
            open_moves = partner.collection_move_ids.filtered(
                lambda m: m.state == "posted" and m.payment_state in OPEN_PAYMENT_STATES
            )
            stages = open_moves.collection_stage_id
            partner.collection_stage_id = (
                max(stages, key=lambda s: (s.sequence, s.id)) if stages else False
            )

    def _compute_collection_amounts(self):
        """Open and overdue receivables of the current company, one grouped query."""
        today = fields.Date.context_today(self)
        company = self.env.company
        commercial_ids = [pid for pid in self.commercial_partner_id.ids if pid]
        if commercial_ids:
            domain = self.env["account.move"]._ar_open_invoice_domain(company) + [
                ("commercial_partner_id", "in", commercial_ids)
            ]
            open_groups = self.env["account.move"]._read_group(
                domain, ["commercial_partner_id"], ["amount_residual_signed:sum"]
            )
            overdue_groups = self.env["account.move"]._read_group(
                domain + [("invoice_date_due", "<", today)],
                ["commercial_partner_id"],
                ["amount_residual_signed:sum"],
            )
            open_by = {partner.id: amount for partner, amount in open_groups}
            overdue_by = {partner.id: amount for partner, amount in overdue_groups}
        else:
            open_by = overdue_by = {}
        for partner in self:
            commercial = partner.commercial_partner_id.id
            partner.collection_open_amount = open_by.get(commercial, 0.0)
            partner.collection_overdue_amount = overdue_by.get(commercial, 0.0)
            partner.collection_currency_id = company.currency_id

    def _compute_collection_event_count(self):
        groups = self.env["ar.collection.event"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.collection_event_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    @api.depends_context("company")
    def _compute_credit_hold(self):
        holds = self.env["ar.credit.hold"]._active_by_key(
            self.commercial_partner_id, self.env.company
        )
        company_id = self.env.company.id
        for partner in self:
            hold = holds.get((partner.commercial_partner_id.id, company_id))
            partner.credit_hold = bool(hold)
            partner.credit_hold_id = hold
            partner.credit_hold_reason = hold.reason if hold else False
            partner.credit_hold_date = hold.date if hold else False
            partner.credit_hold_user_id = hold.user_id if hold else False

    def _search_credit_hold(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search 'On credit hold' with = True or = False."))
        active_holds = [
            ("state", "=", "active"),
            ("company_id", "=", self.env.company.id),
        ]
        held = self.with_context(active_test=False)._search(
            [("credit_hold_ids", "any", active_holds)]
        )
        on_hold = (operator == "=") == value
        return [("commercial_partner_id", "in" if on_hold else "not in", held)]

    @api.model
    def _read_group_collection_stage_ids(self, stages, domain):
        return stages.search([])

    def write(self, vals):
        result = super().write(vals)
        if {
            "collection_ladder_id",
            "collection_excluded",
            "collection_exclusion_until",
            "category_id",
            "country_id",
        } & vals.keys():
            self._ar_open_invoices()._ar_reset_collection_schedule()
        return result

    def _ar_open_invoices(self):
        return self.env["account.move"].search(
            self.env["account.move"]._ar_open_invoice_domain()
            + [("commercial_partner_id", "in", self.commercial_partner_id.ids)]
        )

    def action_collection_exclude(self):
        return self.env["ar.collection.exclude.wizard"]._open_for(
            self.commercial_partner_id
        )

    def action_collection_include(self):
        self.check_access("write")
        self.commercial_partner_id.write(
            {
                "collection_excluded": False,
                "collection_exclusion_reason": False,
                "collection_exclusion_until": False,
            }
        )

    # Credit hold actions --------------------------------------------------------------

    def _check_credit_hold_manager(self):
        if not self.env.su and not self.env.user.has_group(
            "ar_collections.group_collections_manager"
        ):
            raise AccessError(
                _(
                    "Only a collections manager can put a customer on credit hold or "
                    "release one."
                )
            )

    def action_credit_hold(self, reason):
        """Put these customers on credit hold in the current company, by hand."""
        self._check_credit_hold_manager()
        if not (reason or "").strip():
            raise UserError(_("Putting a customer on credit hold needs a reason."))
        holds = self.env["ar.credit.hold"]._hold(
            self.commercial_partner_id,
            reason.strip(),
            source="manual",
            release_mode="manual",
        )
        if not holds:
            raise UserError(
                _(
                    "%(customers)s: already on credit hold in %(company)s.",
                    customers=", ".join(
                        self.commercial_partner_id.mapped("display_name")
                    ),
                    company=self.env.company.name,
                )
            )
        return True

    def action_credit_release(self, reason):
        """Release the credit hold of these customers in the current company."""
        self._check_credit_hold_manager()
        if not (reason or "").strip():
            raise UserError(_("Releasing a credit hold needs a reason."))
        holds = self.env["ar.credit.hold"]._get_active(
            self.commercial_partner_id, self.env.company
        )
        if not holds:
            raise UserError(
                _(
                    "%(customers)s: not on credit hold in %(company)s.",
                    customers=", ".join(
                        self.commercial_partner_id.mapped("display_name")
                    ),
                    company=self.env.company.name,
                )
            )
        holds._release(reason.strip())
        return True

    def action_open_credit_hold_wizard(self):
        return self.env["ar.credit.hold.wizard"]._open_for(self, "hold")

    def action_open_credit_release_wizard(self):
        return self.env["ar.credit.hold.wizard"]._open_for(self, "release")

    def action_view_credit_holds(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ar_collections.ar_credit_hold_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action

    def action_new_credit_recommendation(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "ar.credit.recommendation",
            "view_mode": "form",
            "target": "current",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_view_collection_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ar_collections.ar_collection_event_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        action["name"] = _("Collection events")
        return action

    # Payment history (reporting) ---------------------------------------------------

    collection_avg_days_late = fields.Float(
        string="Average days late (12 months)",
        compute="_compute_collection_payment_history",
        digits=(16, 1),
        help="Over the invoices fully paid in the last 12 months: days between the "
        "due date and the last payment (0 when paid on time), weighted by amount.",
    )
    collection_avg_days_late_previous = fields.Float(
        string="Average days late (previous 12 months)",
        compute="_compute_collection_payment_history",
        digits=(16, 1),
    )
    collection_paid_invoice_count = fields.Integer(
        string="Invoices paid (12 months)",
        compute="_compute_collection_payment_history",
    )
    collection_payment_trend = fields.Selection(
        [("better", "Improving"), ("stable", "Stable"), ("worse", "Worsening")],
        string="Payment trend",
        compute="_compute_collection_payment_history",
        help="The last 12 months against the 12 before: more than "
        f"{PAYMENT_TREND_TOLERANCE} days earlier is improving, later is worsening.",
    )

    @api.depends_context("company")
    def _compute_collection_payment_history(self):
        """Average days late over the last 12 months and the 12 before, one query.

        An invoice counts in the window in which it was fully paid, on the date of
        the last payment reconciled with it (``account.partial.reconcile.max_date``).
        Invoices of the current company, amounts in company currency.
        """
        today = fields.Date.context_today(self)
        start = today - relativedelta(months=12)
        commercial_ids = tuple(pid for pid in self.commercial_partner_id.ids if pid)
        figures = {}
        if commercial_ids:
            self.env["account.move"].flush_model(
                [
                    "move_type",
                    "state",
                    "payment_state",
                    "commercial_partner_id",
                    "company_id",
                    "invoice_date_due",
                    "amount_total_signed",
                ]
            )
            self.env["account.move.line"].flush_model(["move_id", "account_id"])
            self.env["account.partial.reconcile"].flush_model(
                ["debit_move_id", "max_date"]
            )
            self.env.cr.execute(
                SQL(
                    """
                    WITH paid AS (
                        SELECT move.commercial_partner_id AS partner_id,
                               move.amount_total_signed AS amount,
                               MAX(part.max_date) AS paid_on,
                               GREATEST(MAX(part.max_date) - move.invoice_date_due, 0)
                                   AS days_late
                          FROM account_move move
                          JOIN account_move_line line ON line.move_id = move.id
                          JOIN account_account account
                            ON account.id = line.account_id
                           AND account.account_type = 'asset_receivable'
                          JOIN account_partial_reconcile part
                            ON part.debit_move_id = line.id
                         WHERE move.move_type = 'out_invoice'
                           AND move.state = 'posted'
                           AND move.payment_state IN ('paid', 'in_payment')
                           AND move.invoice_date_due IS NOT NULL
                           AND move.company_id = %(company)s
                           AND move.commercial_partner_id IN %(partners)s
                         GROUP BY move.id
                        HAVING MAX(part.max_date) > %(previous_start)s
                           AND MAX(part.max_date) <= %(today)s
                    )
                    SELECT partner_id,
                           paid_on > %(start)s AS recent,
                           SUM(amount * days_late) / NULLIF(SUM(amount), 0),
                           COUNT(*)
                      FROM paid
                     GROUP BY 1, 2
                    """,
                    company=self.env.company.id,
                    partners=commercial_ids,
                    previous_start=today - relativedelta(months=24),
                    start=start,
                    today=today,
                )
            )
            for partner_id, recent, average, count in self.env.cr.fetchall():
                figures[partner_id, recent] = (average or 0.0, count)
        for partner in self:
            commercial = partner.commercial_partner_id.id
            recent, recent_count = figures.get((commercial, True), (0.0, 0))
            previous, previous_count = figures.get((commercial, False), (0.0, 0))
            partner.collection_avg_days_late = recent
            partner.collection_avg_days_late_previous = previous
            partner.collection_paid_invoice_count = recent_count
            if not recent_count or not previous_count:
                partner.collection_payment_trend = False
            elif recent < previous - PAYMENT_TREND_TOLERANCE:
                partner.collection_payment_trend = "better"
            elif recent > previous + PAYMENT_TREND_TOLERANCE:
                partner.collection_payment_trend = "worse"
            else:
                partner.collection_payment_trend = "stable"

    def action_print_collection_statement(self):
        """The statement of open items of the customer (PDF)."""
        return self.env.ref(
            "ar_collections.action_report_customer_statement"
        ).report_action(self.commercial_partner_id)

    def _ar_statement_attachments(self, company):
        """Render the statement of each customer in one go: {partner_id: attachment}.

        Used by the ladder e-mails (``attach_statement: true``).
        """
        report = self.env.ref("ar_collections.action_report_customer_statement")
        partners = self.with_company(company)
        streams = (
            self.env["ir.actions.report"]
            .with_company(company)
            ._render_qweb_pdf_prepare_streams(report, {}, res_ids=partners.ids)
        )
        today = fields.Date.context_today(self)
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": _(
                        "Statement %(partner)s %(date)s.pdf",
                        partner=partner.name,
                        date=today,
                    ),
                    "raw": streams[partner.id]["stream"].getvalue(),
                    "mimetype": "application/pdf",
                    "res_model": "res.partner",
                    "res_id": partner.id,
                }
                for partner in partners
            ]
        )
        return dict(zip(partners.ids, attachments, strict=True))

    # Collector workbench: contacts, promises, disputes, payment plans ---------

    collection_contact_ids = fields.One2many(
        "ar.collection.contact", "partner_id", string="Logged contacts", readonly=True
    )
    collection_promise_ids = fields.One2many(
        "ar.collection.promise", "partner_id", string="Promises to pay", readonly=True
    )
    collection_dispute_ids = fields.One2many(
        "ar.collection.dispute", "partner_id", string="Disputes", readonly=True
    )
    payment_plan_ids = fields.One2many(
        "ar.payment.plan", "partner_id", string="Payment plans", readonly=True
    )
    collection_event_ids = fields.One2many(
        "ar.collection.event", "partner_id", string="Collection events", readonly=True
    )
    collection_overdue_move_ids = fields.Many2many(
        "account.move",
        string="Overdue invoices",
        compute="_compute_collection_overdue_move_ids",
    )
    collection_contact_count = fields.Integer(
        compute="_compute_collection_workbench_counts"
    )
    collection_promise_count = fields.Integer(
        compute="_compute_collection_workbench_counts"
    )
    collection_dispute_count = fields.Integer(
        compute="_compute_collection_workbench_counts"
    )
    payment_plan_count = fields.Integer(compute="_compute_collection_workbench_counts")
    collection_promise_kept_rate = fields.Float(
        string="Promises kept (%)",
        compute="_compute_collection_workbench_counts",
        help="Share of the customer's closed promises to pay that were kept.",
    )

    def _compute_collection_overdue_move_ids(self):
        today = fields.Date.context_today(self)
        Move = self.env["account.move"]
        moves = Move.search(
            Move._ar_open_invoice_domain(self.env.company)
            + [
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("invoice_date_due", "<", today),
            ],
            order="invoice_date_due, id",
        )
        for partner in self:
            partner.collection_overdue_move_ids = moves.filtered(
                lambda m, p=partner: m.commercial_partner_id == p.commercial_partner_id
            )

    def _compute_collection_workbench_counts(self):
        commercial_ids = self.commercial_partner_id.ids
        counts = {}
        for model, key in (
            ("ar.collection.contact", "contact"),
            ("ar.collection.promise", "promise"),
            ("ar.collection.dispute", "dispute"),
            ("ar.payment.plan", "plan"),
        ):
            groups = self.env[model]._read_group(
                [("partner_id", "in", commercial_ids)], ["partner_id"], ["__count"]
            )
            counts[key] = {partner.id: count for partner, count in groups}
        rates = self.env["ar.collection.promise"]._kept_broken_rates(
            "partner_id", [("partner_id", "in", commercial_ids)]
        )
        for partner in self:
            commercial = partner.commercial_partner_id.id
            partner.collection_contact_count = counts["contact"].get(commercial, 0)
            partner.collection_promise_count = counts["promise"].get(commercial, 0)
            partner.collection_dispute_count = counts["dispute"].get(commercial, 0)
            partner.payment_plan_count = counts["plan"].get(commercial, 0)
            partner.collection_promise_kept_rate = rates.get(commercial, {}).get(
                "rate", 0.0
            )

    def action_collection_log_contact(self):
        return self.env["ar.collection.contact.wizard"]._open_for(
            self.commercial_partner_id[:1]
        )

    def action_collection_resend_invoices(self):
        """Re-send copies of the overdue invoices through Odoo's own send wizard."""
        self.ensure_one()
        moves = self.commercial_partner_id.collection_overdue_move_ids
        if not moves:
            raise UserError(
                _(
                    "%(partner)s has no overdue invoice to re-send.",
                    partner=self.display_name,
                )
            )
        return moves.action_send_and_print()

    def action_collection_new_payment_plan(self):
        self.ensure_one()
        partner = self.commercial_partner_id
        return {
            "type": "ir.actions.act_window",
            "name": _("New payment plan"),
            "res_model": "ar.payment.plan",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_partner_id": partner.id,
                "default_move_ids": partner.collection_overdue_move_ids.ids,
                "default_amount_total": sum(
                    partner.collection_overdue_move_ids.mapped("amount_residual_signed")
                ),
            },
        }

    def _ar_workbench_action(self, model, name):
        self.ensure_one()
        partner = self.commercial_partner_id
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("partner_id", "=", partner.id)],
            "context": {"default_partner_id": partner.id},
        }

    def action_view_collection_contacts(self):
        return self._ar_workbench_action("ar.collection.contact", _("Logged contacts"))

    def action_view_collection_promises(self):
        return self._ar_workbench_action("ar.collection.promise", _("Promises to pay"))

    def action_view_collection_disputes(self):
        return self._ar_workbench_action("ar.collection.dispute", _("Disputes"))

    def action_view_payment_plans(self):
        return self._ar_workbench_action("ar.payment.plan", _("Payment plans"))

    def action_collection_reassign(self):
        return self.env["ar.collector.reassign.wizard"]._open_for(
            self.commercial_partner_id
        )

    # Agency referral and legal escalation ----------------------------------------

    is_collection_agency = fields.Boolean(
        string="Collection agency",
        help="Debts can be referred to this partner (Collections > Agency referrals).",
    )
    collection_agency_code = fields.Char(
        string="Agency code",
        copy=False,
        help="How ladders name this agency: refer_to_agency: {agency: <code>}.",
    )
    agency_commission_rate = fields.Float(
        string="Commission (%)",
        digits=(16, 2),
        help="Percent of the amount recovered.",
    )
    agency_minimum_fee = fields.Float(
        string="Minimum fee",
        digits="Account",
        help="Charged per closed case that recovered something, when the rate gives "
        "less (company currency).",
    )
    agency_email = fields.Char(
        string="Case-file e-mail",
        help="Where referrals are sent; empty: the partner's e-mail.",
    )
    agency_case_file_format = fields.Selection(
        [
            ("csv", "PDF + CSV"),
            ("xlsx", "PDF + XLSX"),
            ("csv_xlsx", "PDF + CSV + XLSX"),
        ],
        string="Case-file format",
        default="csv_xlsx",
        help="Besides the PDF summary and the invoice PDFs, always sent.",
    )
    agency_billing_mode = fields.Selection(
        [("referral", "Per referral"), ("period", "Per month")],
        string="Commission billing",
        default="referral",
        help="Per referral: a draft vendor bill when a referral closes. Per month: "
        "one bill per month for all the commission due.",
    )
    agency_referral_ids = fields.One2many(
        "ar.agency.referral", "partner_id", string="Agency referrals", readonly=True
    )
    agency_referral_count = fields.Integer(compute="_compute_agency_referral_count")
    legal_case_count = fields.Integer(compute="_compute_agency_referral_count")

    _sql_constraints = [
        (
            "collection_agency_code_unique",
            "UNIQUE(collection_agency_code)",
            "Two collection agencies cannot share a code.",
        ),
    ]

    def _compute_agency_referral_count(self):
        commercial_ids = self.commercial_partner_id.ids
        counts = {}
        for model, key in (
            ("ar.agency.referral", "referral"),
            ("ar.legal.case", "legal"),
        ):
            groups = self.env[model]._read_group(
                [("partner_id", "in", commercial_ids)], ["partner_id"], ["__count"]
            )
            counts[key] = {partner.id: count for partner, count in groups}
        for partner in self:
            commercial = partner.commercial_partner_id.id
            partner.agency_referral_count = counts["referral"].get(commercial, 0)
            partner.legal_case_count = counts["legal"].get(commercial, 0)

    @api.model
    def _ar_find_agency(self, code, company):
        """The agency a ladder names: ``default`` is the company's default agency."""
        if code == "default":
            return company.ar_default_agency_id
        return self.search(
            [
                ("is_collection_agency", "=", True),
                ("collection_agency_code", "=", code),
            ],
            limit=1,
        )

    def action_refer_to_agency(self):
        return self.env["ar.agency.referral.wizard"]._open_for_partners(
            self.commercial_partner_id
        )

    def action_send_to_legal(self):
        partners = self.commercial_partner_id
        cases = self.env["ar.legal.case"]._open_cases(
            partners, partners.collection_overdue_move_ids
        )
        return cases._open_form()

    def action_view_agency_referrals(self):
        return self._ar_workbench_action("ar.agency.referral", _("Agency referrals"))

    def action_view_legal_cases(self):
        return self._ar_workbench_action("ar.legal.case", _("Legal cases"))

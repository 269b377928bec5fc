from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools import SQL

from .account_move import OPEN_PAYMENT_STATES
from .ar_collection_notice_format import NoticeFormatter

CHANNELS = [("email", "E-mail"), ("letter", "Letter")]


class ArCollectionNotice(models.Model):
    """One message to one customer from one run: an e-mail or a printed letter.

    It lists every open invoice the message is about and is worded by the most advanced
    step among them. Mail templates and the letter report render this model.
    """

    _name = "ar.collection.notice"
    _description = "Collection notice"
    _inherit = ["mail.thread", "portal.mixin"]
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
    )
    recipient_id = fields.Many2one(
        "res.partner", required=True, help="The customer's invoicing contact."
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    ladder_id = fields.Many2one("ar.dunning.ladder", ondelete="set null")
    step_code = fields.Char(string="Step", required=True)
    stage_id = fields.Many2one("ar.collection.stage", ondelete="restrict")
    channel = fields.Selection(CHANNELS, required=True)
    date = fields.Date(required=True)
    template_id = fields.Many2one("mail.template", ondelete="set null")
    move_ids = fields.Many2many("account.move", string="Invoices")
    mail_message_id = fields.Many2one(
        "mail.message", string="Message", ondelete="set null"
    )
    attachment_id = fields.Many2one(
        "ir.attachment", string="Letter", ondelete="set null"
    )
    law_firm_id = fields.Many2one(
        "res.partner",
        string="Letterhead",
        ondelete="restrict",
        help="The law firm on whose letterhead the notice was sent.",
    )
    letter_body = fields.Html(
        sanitize=False, help="The template, rendered for the letter."
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("cancelled", "Cancelled"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_total = fields.Monetary(
        string="Total due",
        compute="_compute_amount_total",
        help="Residual of the listed invoices overdue on the notice's date, in "
        "company currency, as of today (invoices not yet due are never demanded).",
    )
    lang = fields.Char(
        compute="_compute_lang",
        help="The language the notice goes out in: the invoicing contact's, else "
        "the customer's.",
    )
    online_payment_enabled = fields.Boolean(
        compute="_compute_online_payment_enabled",
        help="A payment provider is enabled for the company: the notice carries "
        '"Pay now" links; otherwise the bank details and payment references.',
    )
    upcoming_move_ids = fields.Many2many(
        "account.move",
        string="Not yet due",
        compute="_compute_upcoming_move_ids",
        help="The customer's other open invoices of the company, due on or after the "
        "notice's date and not held (disputed, promised, on a plan, excluded): shown "
        "for information, never demanded.",
    )

    @api.depends("partner_id", "step_code", "date")
    def _compute_name(self):
        for notice in self:
            notice.name = (
                f"{notice.partner_id.name or ''} / {notice.step_code} / {notice.date}"
            )

    @api.depends("move_ids.amount_residual_signed", "move_ids.invoice_date_due", "date")
    def _compute_amount_total(self):
        for notice in self:
            notice.amount_total = sum(
                notice._ar_overdue_moves().mapped("amount_residual_signed")
            )

    @api.depends("recipient_id.lang", "partner_id.lang")
    def _compute_lang(self):
        for notice in self:
            notice.lang = notice.recipient_id.lang or notice.partner_id.lang or False

    @api.depends("partner_id", "company_id", "date", "move_ids")
    def _compute_upcoming_move_ids(self):
        """One search for every notice computed together (the run renders a batch
        of notices: Odoo computes this field for the whole batch at once), and the
        pauses of the invoices found collected once per notice day."""
        notices = self.filtered(lambda n: n.partner_id and n.company_id and n.date)
        (self - notices).upcoming_move_ids = False
        if not notices:
            return
        moves = self.env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", OPEN_PAYMENT_STATES),
                (
                    "commercial_partner_id",
                    "in",
                    notices.partner_id.commercial_partner_id.ids,
                ),
                ("company_id", "in", notices.company_id.ids),
                ("invoice_date_due", ">=", min(notices.mapped("date"))),
            ],
            order="invoice_date_due, name, id",
        )
        by_key = defaultdict(list)
        for move in moves:
            by_key[move.commercial_partner_id.id, move.company_id.id].append(move)
        # an invoice held on the notice's day (disputed, promised, on a plan,
        # excluded) is left out, as it is of the invoices demanded
        Run = self.env["ar.collection.run"]
        paused = {
            day: Run._get_paused(moves, day) for day in set(notices.mapped("date"))
        }
        for notice in notices:
            key = (notice.partner_id.commercial_partner_id.id, notice.company_id.id)
            held = paused[notice.date]
            notice.upcoming_move_ids = [
                move.id
                for move in by_key[key]
                if move.invoice_date_due >= notice.date and move.id not in held
            ]

    @api.depends("company_id")
    def _compute_online_payment_enabled(self):
        """One query for every notice computed together."""
        enabled = set()
        if "payment.provider" in self.env and self.company_id:
            groups = (
                self.env["payment.provider"]
                .sudo()
                ._read_group(
                    [
                        ("company_id", "in", self.company_id.ids),
                        ("state", "in", ("enabled", "test")),
                    ],
                    ["company_id"],
                )
            )
            enabled = {company.id for (company,) in groups}
        for notice in self:
            notice.online_payment_enabled = notice.company_id.id in enabled

    def _compute_access_url(self):
        super()._compute_access_url()
        for notice in self:
            notice.access_url = f"/my/collections/{notice.id}"

    # What the templates render ----------------------------------------------------

    def _ar_overdue_moves(self):
        """The listed invoices still open and past due on the notice's date."""
        self.ensure_one()
        return self.move_ids.filtered(
            lambda m: (
                m.payment_state in OPEN_PAYMENT_STATES
                and m.invoice_date_due
                and m.invoice_date_due < self.date
            )
        ).sorted(lambda m: (m.invoice_date_due, m.name or ""))

    def _ar_line(self, move, online):
        return {
            "move": move,
            "days_late": (self.date - move.invoice_date_due).days,
            "pay_url": self._ar_absolute_url(move.get_portal_url()) if online else "",
            "payment_reference": move.payment_reference or move.name or "",
            "discount": self._ar_early_discount(move),
        }

    def get_overdue_lines(self):
        """What the notice demands: each open listed invoice past due on the notice's
        date, with its days late, "Pay now" link (online payment) or payment
        reference, by due date."""
        self.ensure_one()
        moves = self._ar_overdue_moves()
        online = self.online_payment_enabled
        if online:
            self._ar_ensure_tokens(moves)
        return [self._ar_line(move, online) for move in moves]

    def get_upcoming_lines(self):
        """For information only: the customer's open invoices not yet due on the
        notice's date (never in a total)."""
        self.ensure_one()
        moves = self.upcoming_move_ids
        online = self.online_payment_enabled
        if online:
            self._ar_ensure_tokens(moves)
        return [self._ar_line(move, online) for move in moves]

    def get_notice_lines(self):
        """Every open invoice the notice shows: the overdue ones, then those not yet
        due."""
        return self.get_overdue_lines() + self.get_upcoming_lines()

    def get_formatter(self):
        """Dates and amounts as the QWeb widgets print them in the language of the
        notice's environment (the one its mail templates render in; the letter, which
        renders in ``notice.lang``, passes it), looked up once for the whole notice."""
        self.ensure_one()
        return NoticeFormatter(self.env)

    def get_totals_by_currency(self):
        """[(currency, residual)] of the overdue listed invoices, one row per
        currency: what is demanded."""
        self.ensure_one()
        totals = defaultdict(float)
        for move in self._ar_overdue_moves():
            totals[move.currency_id] += move.amount_residual
        return sorted(totals.items(), key=lambda item: item[0].name)

    def get_pay_url(self):
        """The notice's own signed link (the customer's page: pay, promise,
        dispute), absolute; empty without online payment."""
        self.ensure_one()
        if not self.online_payment_enabled:
            return ""
        self._ar_ensure_tokens(self)
        return self._ar_absolute_url(self.get_portal_url())

    def get_bank_accounts(self):
        """The company's bank accounts to pay to (IBAN/BIC), when there is no online
        payment."""
        self.ensure_one()
        partner = self.company_id.partner_id
        return partner.sudo().bank_ids.filtered(
            lambda bank: not bank.company_id or bank.company_id == self.company_id
        )

    def _ar_online_payment_enabled(self):
        """True when a payment provider is enabled (or in test mode) for the
        notice's company; False when the payment module is not installed."""
        self.ensure_one()
        return self.online_payment_enabled

    def _ar_notice_charges(self):
        """Late-payment interest and fees the notice states: a list of
        ``{"label", "basis", "amount", "currency", "legal_reference"}``. None here;
        the charges capability fills it."""
        self.ensure_one()
        return []

    def get_charge_lines(self):
        """The rows of the "Late-payment interest and fees" section."""
        self.ensure_one()
        return self._ar_notice_charges()

    def _ar_early_discount(self, move):
        """``{"amount", "date", "currency", "percentage"}`` when the invoice's payment
        term grants an early-payment discount still available on the notice's date,
        else None."""
        if not move.invoice_payment_term_id.early_discount:
            return None
        if not move._is_eligible_for_early_payment_discount(
            move.currency_id, self.date
        ):
            return None
        terms = move.line_ids.filtered(lambda l: l.display_type == "payment_term")
        last_day = min(
            terms.filtered("discount_date").mapped("discount_date") or [None]
        )
        if not last_day or last_day < self.date:
            return None
        return {
            "amount": sum(terms.mapped("discount_amount_currency")),
            "date": last_day,
            "currency": move.currency_id,
            "percentage": move.invoice_payment_term_id.discount_percentage,
        }

    def _ar_absolute_url(self, path):
        return self.get_base_url() + path

    @api.model
    def _ar_ensure_tokens(self, records):
        """Give the records (invoices, notices) without one their portal access
        token, in one query (``get_portal_url`` would write them one by one)."""
        missing = records.filtered(lambda r: not r.access_token)
        if not missing:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET access_token = gen_random_uuid()::text "
                "WHERE id IN %s AND access_token IS NULL",
                SQL.identifier(missing._table),
                tuple(missing.ids),
            )
        )
        missing.invalidate_recordset(["access_token"])

    def _ar_prepare_links(self):
        """Before a batch is rendered: the access tokens of the notices with
        online payment and of their invoices, in a query per model."""
        online = self.filtered("online_payment_enabled")
        if online:
            self._ar_ensure_tokens(online)
            self._ar_ensure_tokens(online.move_ids | online.upcoming_move_ids)

    def action_print_letter(self):
        return self.env.ref(
            "ar_collections.action_report_collection_letter"
        ).report_action(self)

    def action_view_invoices(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.move_ids.ids)],
        }

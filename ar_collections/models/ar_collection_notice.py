from collections import defaultdict

from odoo import _, api, fields, models

CHANNELS = [("email", "E-mail"), ("letter", "Letter")]


class ArCollectionNotice(models.Model):
    """One message to one customer from one run: an e-mail or a printed letter.

    It lists every open invoice the message is about and is worded by the most advanced
    step among them. Mail templates and the letter report render this model.
    """

    _name = "ar.collection.notice"
    _description = "Collection notice"
    _inherit = ["mail.thread"]
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
        help="Residual of the listed invoices, in company currency, as of today.",
    )

    @api.depends("partner_id", "step_code", "date")
    def _compute_name(self):
        for notice in self:
            notice.name = (
                f"{notice.partner_id.name or ''} / {notice.step_code} / {notice.date}"
            )

    @api.depends("move_ids.amount_residual_signed")
    def _compute_amount_total(self):
        for notice in self:
            notice.amount_total = sum(notice.move_ids.mapped("amount_residual_signed"))

    def get_notice_lines(self):
        """Template rows: each open listed invoice and its days late, by due date."""
        self.ensure_one()
        moves = self.move_ids.filtered(
            lambda m: m.payment_state in ("not_paid", "partial")
        )
        return [
            {
                "move": move,
                "days_late": (self.date - move.invoice_date_due).days,
            }
            for move in moves.sorted(lambda m: (m.invoice_date_due, m.name))
        ]

    def get_totals_by_currency(self):
        """[(currency, residual)] of the open listed invoices, one row per currency."""
        self.ensure_one()
        totals = defaultdict(float)
        for line in self.get_notice_lines():
            totals[line["move"].currency_id] += line["move"].amount_residual
        return sorted(totals.items(), key=lambda item: item[0].name)

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

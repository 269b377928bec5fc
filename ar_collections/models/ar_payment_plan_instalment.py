from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

INSTALMENT_STATES = [
    ("pending", "To pay"),
    ("paid", "Paid"),
    ("missed", "Missed"),
]


class ArPaymentPlanInstalment(models.Model):
    """One instalment of a payment plan: its date, amount and what covers it.

    Instalments are what the customer agreed to: they are added, changed or removed
    only while their plan is a draft, by anyone, whatever the context (a moved date
    would keep an active plan from ever being breached).
    """

    _name = "ar.payment.plan.instalment"
    _description = "Payment plan instalment"
    _order = "plan_id, date, sequence, id"

    plan_id = fields.Many2one(
        "ar.payment.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    sequence = fields.Integer(default=1)
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True, currency_field="currency_id")
    amount_paid = fields.Monetary(
        string="Paid", compute="_compute_payment", currency_field="currency_id"
    )
    state = fields.Selection(INSTALMENT_STATES, compute="_compute_payment")

    _sql_constraints = [
        (
            "amount_positive",
            "CHECK(amount > 0)",
            "An instalment must be for a positive amount.",
        ),
    ]

    @api.depends("plan_id.amount_paid", "amount", "date")
    def _compute_payment(self):
        allocation = self.plan_id._allocation()
        today = fields.Date.context_today(self)
        for instalment in self:
            paid = allocation.get(instalment.id, 0.0)
            instalment.amount_paid = paid
            rounding = instalment.currency_id.rounding or 0.01
            if float_compare(paid, instalment.amount, precision_rounding=rounding) >= 0:
                instalment.state = "paid"
            elif instalment.date and instalment.date < today:
                instalment.state = "missed"
            else:
                instalment.state = "pending"

    @api.model
    def _ar_check_draft_plans(self, plans):
        agreed = plans.filtered(lambda plan: plan.state != "draft")
        if agreed:
            raise UserError(
                _(
                    "The instalments of %(plans)s stay as agreed: only a draft "
                    "payment plan's instalments can be changed.",
                    plans=", ".join(agreed.mapped("display_name")),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._ar_check_draft_plans(
            self.env["ar.payment.plan"].browse(
                {vals["plan_id"] for vals in vals_list if vals.get("plan_id")}
            )
        )
        return super().create(vals_list)

    def write(self, vals):
        plans = self.plan_id
        if vals.get("plan_id"):
            plans |= self.env["ar.payment.plan"].browse(vals["plan_id"])
        self._ar_check_draft_plans(plans)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_plan(self):
        self._ar_check_draft_plans(self.plan_id)

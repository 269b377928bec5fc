from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..ladder.calling import business_hours_windows


class ResCompany(models.Model):
    """When customers may be called, and what each collection contact costs."""

    _inherit = "res.company"

    # Calls at the hours that work ----------------------------------------------------
    ar_customer_hours_from = fields.Float(
        string="Customers' business hours from",
        default=9.0,
        help="Local time, in the customer's time zone, from which customers are "
        "called (Monday to Friday).",
    )
    ar_customer_hours_to = fields.Float(
        string="Customers' business hours to",
        default=17.0,
        help="Local time, in the customer's time zone, until which customers are "
        "called (Monday to Friday).",
    )

    # The cost of collecting ---------------------------------------------------------
    ar_cost_email = fields.Monetary(
        string="Cost of a reminder e-mail", currency_field="currency_id", default=0.5
    )
    ar_cost_letter = fields.Monetary(
        string="Cost of a letter", currency_field="currency_id", default=3.0
    )
    ar_cost_call = fields.Monetary(
        string="Cost of a call", currency_field="currency_id", default=8.0
    )

    @api.constrains(
        "ar_customer_hours_from",
        "ar_customer_hours_to",
        "ar_cost_email",
        "ar_cost_letter",
        "ar_cost_call",
    )
    def _check_ar_workbench_settings(self):
        for company in self:
            if not (
                0 <= company.ar_customer_hours_from < company.ar_customer_hours_to <= 24
            ):
                raise ValidationError(
                    _(
                        "Customers' business hours of %(company)s: 'from' must be "
                        "before 'to', both between 0 and 24.",
                        company=company.name,
                    )
                )
            if (
                min(company.ar_cost_email, company.ar_cost_letter, company.ar_cost_call)
                < 0
            ):
                raise ValidationError(
                    _(
                        "The unit costs of collecting of %(company)s cannot be "
                        "negative.",
                        company=company.name,
                    )
                )

    def _ar_customer_windows(self):
        """The customers' business hours as calling windows (Monday to Friday)."""
        self.ensure_one()
        return business_hours_windows(
            self.ar_customer_hours_from, self.ar_customer_hours_to
        )

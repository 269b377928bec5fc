from odoo import fields, models


class AccountPaymentTerm(models.Model):
    _inherit = "account.payment.term"

    ar_reminder_fee_agreed = fields.Boolean(
        string="Reminder fee agreed",
        help="Invoices on these terms include the customer's agreement to a reminder "
        "fee: ladder fees with requires_agreement are charged on them.",
    )

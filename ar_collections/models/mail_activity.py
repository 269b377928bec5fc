from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    ar_call_at = fields.Datetime(
        string="Call at",
        readonly=True,
        help="When a collections call is best made: the first time inside both the "
        "collector's calling hours and the customer's business hours.",
    )

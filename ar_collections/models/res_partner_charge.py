from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    ar_reminder_fee_agreed = fields.Boolean(
        string="Reminder fee agreed",
        tracking=True,
        help="A reminder fee was agreed with this customer when the debt arose (the "
        "Swedish påminnelseavgift is due only then): ladder fees with "
        "requires_agreement are charged to it.",
    )

from odoo import api, fields, models


class ArAgencyReferralLine(models.Model):
    """One invoice of a referral: what it owed when referred, what was paid since.

    The recovered amount follows the invoice's residual (company currency) while the
    referral is with the agency, so a payment registered on the invoice, directly or
    as an agency remittance, is matched to the referral at once. Closing or recalling
    the referral freezes it: a later write-off is not a recovery.
    """

    _name = "ar.agency.referral.line"
    _description = "Agency referral invoice"
    _order = "referral_id, id"

    referral_id = fields.Many2one(
        "ar.agency.referral", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="referral_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="referral_id.currency_id")
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, ondelete="restrict", index=True
    )
    invoice_date_due = fields.Date(related="move_id.invoice_date_due")
    amount_referred = fields.Monetary(
        help="What the invoice owed when referred (company currency)."
    )
    residual_frozen = fields.Monetary(
        string="Residual when closed",
        readonly=True,
        help="The residual when the referral was closed or recalled.",
    )
    frozen = fields.Boolean(readonly=True)
    amount_residual = fields.Monetary(
        string="Still owed", compute="_compute_amounts", store=True
    )
    amount_recovered = fields.Monetary(compute="_compute_amounts", store=True)

    _sql_constraints = [
        (
            "move_unique",
            "UNIQUE(referral_id, move_id)",
            "An invoice appears once in a referral.",
        ),
    ]

    @api.depends(
        "move_id.amount_residual_signed",
        "amount_referred",
        "frozen",
        "residual_frozen",
        "referral_id.state",
    )
    def _compute_amounts(self):
        for line in self:
            if line.frozen:
                residual = line.residual_frozen
            else:
                residual = line.move_id.amount_residual_signed
            line.amount_residual = residual
            if line.referral_id.state == "draft":
                line.amount_recovered = 0.0
            else:
                line.amount_recovered = max(line.amount_referred - residual, 0.0)

    def _freeze(self):
        for line in self.filtered(lambda ln: not ln.frozen):
            line.write(
                {
                    "frozen": True,
                    "residual_frozen": line.move_id.amount_residual_signed,
                }
            )

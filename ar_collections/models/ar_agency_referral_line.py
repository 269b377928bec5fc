from odoo import _, api, fields, models
from odoo.exceptions import UserError


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

    # Guard ----------------------------------------------------------------------------

    def _check_changeable(self, referrals, vals=None):
        """Lines change with their draft referral, or through the referral's own
        methods (sending fixes the amounts, closing and recalling freeze them)."""
        if referrals._ar_is_unlocked():
            return
        if vals and {"frozen", "residual_frozen"} & vals.keys():
            raise UserError(
                _("Referral lines are frozen by closing or recalling the referral.")
            )
        sent = referrals.filtered(lambda r: r.state != "draft")
        if sent:
            raise UserError(
                _(
                    "%(referrals)s: the invoices of a referral can only change while "
                    "it is a draft.",
                    referrals=", ".join(sent.mapped("name")),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_changeable(
            self.env["ar.agency.referral"].browse(
                list({vals.get("referral_id") for vals in vals_list} - {None, False})
            ),
            {key: True for vals in vals_list for key in vals},
        )
        return super().create(vals_list)

    def write(self, vals):
        referrals = self.referral_id
        if "referral_id" in vals:
            referrals |= self.env["ar.agency.referral"].browse(vals["referral_id"])
        self._check_changeable(referrals, vals)
        return super().write(vals)

    def unlink(self):
        self._check_changeable(self.referral_id)
        return super().unlink()

    # Amounts --------------------------------------------------------------------------

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

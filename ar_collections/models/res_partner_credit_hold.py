from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class ResPartner(models.Model):
    """Credit hold of a customer: the hold of the current company, hold and release."""

    _inherit = "res.partner"

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

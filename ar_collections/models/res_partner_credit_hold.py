from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

# Computed from the holds: never written.
HOLD_FIELDS = {
    "credit_hold",
    "credit_hold_id",
    "credit_hold_reason",
    "credit_hold_date",
    "credit_hold_user_id",
    "credit_hold_ids",
}


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
        # sudo: the hold of a parent company applies in its branches, whose users may
        # not read that company's records; only the hold's date and reason are shown.
        holds = (
            self.env["ar.credit.hold"]
            .sudo()
            ._active_by_key(self.commercial_partner_id, self.env.company)
        )
        company_id = self.env.company.id
        for partner in self:
            hold = holds.get((partner.commercial_partner_id.id, company_id))
            partner.credit_hold = bool(hold)
            partner.credit_hold_id = hold.id if hold else False
            partner.credit_hold_reason = hold.reason if hold else False
            partner.credit_hold_date = hold.date if hold else False
            partner.credit_hold_user_id = hold.user_id.id if hold else False

    def _search_credit_hold(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search 'On credit hold' with = True or = False."))
        # sudo: as in _compute_credit_hold (holds of parent companies)
        holds = (
            self.env["ar.credit.hold"]
            .sudo()
            .search(
                [
                    ("state", "=", "active"),
                    ("company_id", "in", self.env.company.parent_ids.ids),
                ]
            )
        )
        # The customers on hold and everything below them: their contacts, their
        # subsidiaries and theirs (see ar.credit.hold._get_active).
        held = (
            self.sudo()
            .with_context(active_test=False)
            ._search([("id", "child_of", holds.partner_id.ids)])
        )
        on_hold = (operator == "=") == value
        return [("id", "in" if on_hold else "not in", held)]

    def _ar_lineage(self):
        """Ids of this partner and of its parents, nearest first: the partners whose
        credit holds apply to it."""
        self.ensure_one()
        lineage, partner = [], self
        while partner and partner.id not in lineage:
            lineage.append(partner.id)
            partner = partner.parent_id
        return lineage

    # Integrity -----------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._ar_check_no_hold_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._ar_check_no_hold_fields(vals)
        if {"parent_id", "is_company"} & vals.keys():
            self._ar_check_leaving_held_customer(vals)
        return super().write(vals)

    def _ar_check_no_hold_fields(self, vals):
        """The hold fields change only through action_credit_hold / _release."""
        fields_given = HOLD_FIELDS & vals.keys()
        if fields_given and not self.env.su:
            raise UserError(
                _(
                    "A credit hold is put and released with 'Put on credit hold' and "
                    "'Release credit hold' (with a reason), not by writing %(fields)s.",
                    fields=", ".join(sorted(fields_given)),
                )
            )

    def _ar_check_leaving_held_customer(self, vals):
        """A contact may not leave a customer on credit hold (its invoices would).

        A hold applies to the customer's contacts and to the companies below it (its
        subsidiaries) and their contacts. Detaching a partner, attaching it elsewhere
        or making a contact a company can take it out of a hold's reach: while the
        hold is active (in any company) only a collections manager may do that, and it
        is logged on the held customer.
        """
        new_parent = (
            self.browse(vals["parent_id"]) if vals.get("parent_id") else self.browse()
        )
        lost = {
            partner: set(partner.commercial_partner_id._ar_lineage())
            - partner._ar_new_lineage(vals, new_parent)
            for partner in self
        }
        lost_ids = set().union(*lost.values())
        if not lost_ids:
            return
        # sudo: the holds of every company count, whatever the user may read
        holds = (
            self.env["ar.credit.hold"]
            .sudo()
            .search([("state", "=", "active"), ("partner_id", "in", list(lost_ids))])
        )
        held_ids = set(holds.partner_id.ids)
        leaving = {
            partner: self.browse(sorted(ids & held_ids))
            for partner, ids in lost.items()
            if ids & held_ids
        }
        if not leaving:
            return
        if not self.env.su and not self.env.user.has_group(
            "ar_collections.group_collections_manager"
        ):
            partner, customers = next(iter(leaving.items()))
            raise AccessError(
                _(
                    "%(contact)s belongs to %(customer)s, which is on credit hold: "
                    "only a collections manager can take it out of the hold's reach "
                    "(detach it, attach it elsewhere) while the hold lasts.",
                    contact=partner.display_name,
                    customer=", ".join(customers.mapped("display_name")),
                )
            )
        bodies = {}
        for partner, customers in leaving.items():
            for customer in customers:
                bodies.setdefault(customer.id, []).append(
                    _(
                        "%(contact)s left this customer while on credit hold (by "
                        "%(user)s).",
                        contact=partner.display_name,
                        user=self.env.user.name,
                    )
                )
        self.browse(list(bodies))._message_log_batch(
            bodies={
                partner_id: Markup("<br/>").join(Markup("%s") % text for text in texts)
                for partner_id, texts in bodies.items()
            },
            author_id=self.env.user.partner_id.id,
        )

    def _ar_new_lineage(self, vals, new_parent):
        """The ids ``_ar_lineage`` of the commercial partner gives once ``vals`` are
        written."""
        self.ensure_one()
        commercial = self._ar_new_commercial_partner(vals, new_parent)
        if commercial != self:
            return set(commercial._ar_lineage())
        parent = new_parent if "parent_id" in vals else self.parent_id
        return {self.id} | (
            set(parent.commercial_partner_id._ar_lineage()) if parent else set()
        )

    def _ar_new_commercial_partner(self, vals, new_parent):
        """The commercial partner this partner will have once ``vals`` are written."""
        self.ensure_one()
        is_company = vals.get("is_company", self.is_company)
        parent = new_parent if "parent_id" in vals else self.parent_id
        if is_company or not parent:
            return self
        return parent.commercial_partner_id

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
            self.commercial_partner_id, self.env.company, inherited=False
        )
        # sudo: only to name the parent company whose hold applies here
        inherited = (
            self.env["ar.credit.hold"]
            .sudo()
            ._get_active(self.commercial_partner_id, self.env.company)
        )
        if not holds and inherited:
            raise UserError(
                _(
                    "%(customers)s: no credit hold of its own in %(company)s; the hold "
                    "that applies is %(holds)s: release that hold.",
                    customers=", ".join(
                        self.commercial_partner_id.mapped("display_name")
                    ),
                    company=self.env.company.name,
                    holds=", ".join(
                        _(
                            "%(customer)s in %(company)s",
                            customer=hold.partner_id.display_name,
                            company=hold.company_id.name,
                        )
                        for hold in inherited
                    ),
                )
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

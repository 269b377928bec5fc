from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ArCollectorRule(models.Model):
    """Which collector a new overdue customer goes to.

    At the start of every collections run, each overdue customer without a
    collector gets the collector of the first rule (by sequence) it matches: its
    salesperson, its country and the band its overdue amount falls in. An empty
    criterion matches everything.
    """

    _name = "ar.collector.rule"
    _description = "Collector assignment rule"
    _order = "company_id, sequence, id"

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    salesperson_id = fields.Many2one("res.users", string="Salesperson")
    country_ids = fields.Many2many("res.country", string="Countries")
    min_overdue = fields.Monetary(
        string="Overdue from",
        currency_field="currency_id",
        help="Inclusive; 0: no minimum.",
    )
    max_overdue = fields.Monetary(
        string="Overdue up to",
        currency_field="currency_id",
        help="Exclusive; 0: no maximum.",
    )
    collector_id = fields.Many2one("res.users", string="Collector", required=True)

    @api.constrains("min_overdue", "max_overdue")
    def _check_band(self):
        for rule in self:
            if rule.min_overdue < 0 or rule.max_overdue < 0:
                raise ValidationError(_("Overdue amount bands cannot be negative."))
            if rule.max_overdue and rule.max_overdue <= rule.min_overdue:
                raise ValidationError(
                    _(
                        "Rule for %(collector)s: 'up to' (%(max)s) must be above "
                        "'from' "
                        "(%(min)s).",
                        collector=rule.collector_id.name,
                        max=rule.max_overdue,
                        min=rule.min_overdue,
                    )
                )

    def _matches(self, partner, overdue):
        self.ensure_one()
        if self.salesperson_id and partner.user_id != self.salesperson_id:
            return False
        if self.country_ids and partner.country_id not in self.country_ids:
            return False
        if overdue < self.min_overdue:
            return False
        return not (self.max_overdue and overdue >= self.max_overdue)

    @api.model
    def _assign_collectors(self, company, today):
        """Give overdue customers of ``company`` without a collector the collector of
        the first matching rule. Returns the customers assigned."""
        rules = self.search([("company_id", "=", company.id)])
        if not rules:
            return self.env["res.partner"]
        Move = self.env["account.move"]
        groups = Move._read_group(
            Move._ar_open_invoice_domain(company)
            + [
                ("invoice_date_due", "<", today),
                ("commercial_partner_id.collector_id", "=", False),
            ],
            ["commercial_partner_id"],
            ["amount_residual_signed:sum"],
        )
        by_collector = defaultdict(list)
        for partner, overdue in groups:
            rule = next((r for r in rules if r._matches(partner, overdue)), None)
            if rule:
                by_collector[rule.collector_id].append(partner.id)
        assigned = self.env["res.partner"]
        for collector, partner_ids in by_collector.items():
            partners = self.env["res.partner"].browse(partner_ids)
            partners.write({"collector_id": collector.id})
            assigned |= partners
        return assigned

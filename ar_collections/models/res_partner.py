from odoo import _, api, fields, models

from .account_move import OPEN_PAYMENT_STATES


class ResPartner(models.Model):
    _inherit = "res.partner"

    collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        tracking=True,
        help="The user responsible for collecting from this customer.",
    )
    collection_ladder_id = fields.Many2one(
        "ar.dunning.ladder",
        string="Dunning ladder",
        company_dependent=True,
        help="Overrides the ladder chosen by 'applies_to' and the company default.",
    )
    collection_move_ids = fields.One2many(
        "account.move",
        "commercial_partner_id",
        string="Customer invoices",
        domain=[("move_type", "=", "out_invoice")],
        readonly=True,
    )
    collection_stage_id = fields.Many2one(
        "ar.collection.stage",
        string="Collection stage",
        compute="_compute_collection_stage_id",
        store=True,
        index=True,
        group_expand="_read_group_collection_stage_ids",
        help="The most advanced stage among the customer's open invoices.",
    )
    collection_excluded = fields.Boolean(
        string="Excluded from dunning", tracking=True, copy=False
    )
    collection_exclusion_reason = fields.Char(tracking=True, copy=False)
    collection_exclusion_until = fields.Date(
        string="Excluded until", tracking=True, copy=False
    )
    collection_overdue_amount = fields.Monetary(
        string="Overdue",
        compute="_compute_collection_amounts",
        currency_field="collection_currency_id",
    )
    collection_open_amount = fields.Monetary(
        string="Open",
        compute="_compute_collection_amounts",
        currency_field="collection_currency_id",
    )
    collection_currency_id = fields.Many2one(
        "res.currency", compute="_compute_collection_amounts"
    )
    collection_event_count = fields.Integer(compute="_compute_collection_event_count")

    @api.depends(
        "collection_move_ids.collection_stage_id",
        "collection_move_ids.payment_state",
        "collection_move_ids.state",
    )
    def _compute_collection_stage_id(self):
        for partner in self:
            open_moves = partner.collection_move_ids.filtered(
                lambda m: m.state == "posted" and m.payment_state in OPEN_PAYMENT_STATES
            )
            stages = open_moves.collection_stage_id
            partner.collection_stage_id = (
                max(stages, key=lambda s: (s.sequence, s.id)) if stages else False
            )

    def _compute_collection_amounts(self):
        """Open and overdue receivables of the current company, one grouped query."""
        today = fields.Date.context_today(self)
        company = self.env.company
        commercial_ids = [pid for pid in self.commercial_partner_id.ids if pid]
        if commercial_ids:
            domain = self.env["account.move"]._ar_open_invoice_domain(company) + [
                ("commercial_partner_id", "in", commercial_ids)
            ]
            open_groups = self.env["account.move"]._read_group(
                domain, ["commercial_partner_id"], ["amount_residual_signed:sum"]
            )
            overdue_groups = self.env["account.move"]._read_group(
                domain + [("invoice_date_due", "<", today)],
                ["commercial_partner_id"],
                ["amount_residual_signed:sum"],
            )
            open_by = {partner.id: amount for partner, amount in open_groups}
            overdue_by = {partner.id: amount for partner, amount in overdue_groups}
        else:
            open_by = overdue_by = {}
        for partner in self:
            commercial = partner.commercial_partner_id.id
            partner.collection_open_amount = open_by.get(commercial, 0.0)
            partner.collection_overdue_amount = overdue_by.get(commercial, 0.0)
            partner.collection_currency_id = company.currency_id

    def _compute_collection_event_count(self):
        groups = self.env["ar.collection.event"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.collection_event_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    @api.model
    def _read_group_collection_stage_ids(self, stages, domain):
        return stages.search([])

    def write(self, vals):
        result = super().write(vals)
        if {
            "collection_ladder_id",
            "collection_excluded",
            "collection_exclusion_until",
            "category_id",
            "country_id",
        } & vals.keys():
            self._ar_open_invoices()._ar_reset_collection_schedule()
        return result

    def _ar_open_invoices(self):
        return self.env["account.move"].search(
            self.env["account.move"]._ar_open_invoice_domain()
            + [("commercial_partner_id", "in", self.commercial_partner_id.ids)]
        )

    def action_collection_exclude(self):
        return self.env["ar.collection.exclude.wizard"]._open_for(
            self.commercial_partner_id
        )

    def action_collection_include(self):
        self.check_access("write")
        self.commercial_partner_id.write(
            {
                "collection_excluded": False,
                "collection_exclusion_reason": False,
                "collection_exclusion_until": False,
            }
        )

    def action_view_collection_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ar_collections.ar_collection_event_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        action["name"] = _("Collection events")
        return action

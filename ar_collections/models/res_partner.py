from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from .account_move import OPEN_PAYMENT_STATES

MANAGER_GROUP = "ar_collections.group_collections_manager"
USER_GROUP = "ar_collections.group_collections_user"


class ResPartner(models.Model):
    """A customer in collection: collector, ladder, exclusion, stage and amounts.

    Who collects from a customer, on which ladder and whether it is dunned at all are
    a collections manager's settings: see ``_ar_manager_fields``.
    """

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
        tracking=True,
        groups=USER_GROUP,
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
        string="Excluded from dunning", tracking=True, copy=False, groups=USER_GROUP
    )
    collection_exclusion_reason = fields.Char(
        tracking=True, copy=False, groups=USER_GROUP
    )
    collection_exclusion_until = fields.Date(
        string="Excluded until", tracking=True, copy=False, groups=USER_GROUP
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

    # Manager-only settings --------------------------------------------------------

    @api.model
    def _ar_manager_fields(self):
        """Fields only a collections manager may set or change, by any path (form,
        RPC, import); each change is tracked in the chatter. Extended per capability.
        """
        return {
            "collector_id",
            "collection_ladder_id",
            "collection_excluded",
            "collection_exclusion_reason",
            "collection_exclusion_until",
        }

    @api.model
    def _ar_is_collections_manager(self):
        """Collections manager, or our own code in superuser mode (never a context)."""
        return self.env.su or self.env.user.has_group(MANAGER_GROUP)

    def _ar_refuse_manager_fields(self, fnames):
        raise AccessError(
            _(
                "Only a collections manager can set %(fields)s on a contact "
                "(%(partners)s).",
                fields=", ".join(sorted(self._fields[f].string for f in fnames)),
                partners=", ".join(self.mapped("display_name")) or _("new contact"),
            )
        )

    def _ar_check_manager_fields_write(self, vals):
        if self._ar_is_collections_manager():
            return
        guarded = self._ar_manager_fields() & vals.keys()
        # sudo: compare with the current values, which the user may not read
        records = self.sudo()
        changed = set()
        for fname in guarded:
            field = self._fields[fname]
            for record in records:
                new = field.convert_to_record(
                    field.convert_to_cache(vals[fname], record), record
                )
                old = record[fname]
                if (new or old) and new != old:
                    changed.add(fname)
                    break
        if changed:
            self._ar_refuse_manager_fields(changed)

    @api.model
    def _ar_check_manager_fields_create(self, vals_list):
        """Refuse a new contact with a manager-only field set (by its values or by a
        ``default_`` context key) to anything but the field's default."""
        if self._ar_is_collections_manager():
            return
        context = self.env.context
        for vals in vals_list:
            given = set()
            for fname in self._ar_manager_fields():
                value = vals.get(fname, context.get(f"default_{fname}"))
                field = self._fields[fname]
                default = field.default(self) if field.default else False
                if value and field.convert_to_cache(
                    value, self
                ) != field.convert_to_cache(default, self):
                    given.add(fname)
            if given:
                self.browse()._ar_refuse_manager_fields(given)

    @api.model_create_multi
    def create(self, vals_list):
        self._ar_check_manager_fields_create(vals_list)
        return super().create(vals_list)

    def copy_data(self, default=None):
        """A copy by someone who may not set the manager-only fields gets the
        defaults (not the original's collector, ladder or agency terms)."""
        if not self._ar_is_collections_manager():
            default = dict(default or {})
            for fname in self._ar_manager_fields() - default.keys():
                field = self._fields[fname]
                default[fname] = field.default(self) if field.default else False
        return super().copy_data(default=default)

    def write(self, vals):
        self._ar_check_manager_fields_write(vals)
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

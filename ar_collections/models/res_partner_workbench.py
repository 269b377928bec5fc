from odoo import _, fields, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    """Collector workbench: contacts, promises, disputes, payment plans."""

    _inherit = "res.partner"

    collection_contact_ids = fields.One2many(
        "ar.collection.contact", "partner_id", string="Logged contacts", readonly=True
    )
    collection_promise_ids = fields.One2many(
        "ar.collection.promise", "partner_id", string="Promises to pay", readonly=True
    )
    collection_dispute_ids = fields.One2many(
        "ar.collection.dispute", "partner_id", string="Disputes", readonly=True
    )
    payment_plan_ids = fields.One2many(
        "ar.payment.plan", "partner_id", string="Payment plans", readonly=True
    )
    collection_event_ids = fields.One2many(
        "ar.collection.event", "partner_id", string="Collection events", readonly=True
    )
    collection_overdue_move_ids = fields.Many2many(
        "account.move",
        string="Overdue invoices",
        compute="_compute_collection_overdue_move_ids",
    )
    collection_contact_count = fields.Integer(
        compute="_compute_collection_workbench_counts"
    )
    collection_promise_count = fields.Integer(
        compute="_compute_collection_workbench_counts"
    )
    collection_dispute_count = fields.Integer(
        compute="_compute_collection_workbench_counts"
    )
    payment_plan_count = fields.Integer(compute="_compute_collection_workbench_counts")
    collection_promise_kept_rate = fields.Float(
        string="Promises kept (%)",
        compute="_compute_collection_workbench_counts",
        help="Share of the customer's closed promises to pay that were kept.",
    )

    def _compute_collection_overdue_move_ids(self):
        today = fields.Date.context_today(self)
        Move = self.env["account.move"]
        moves = Move.search(
            Move._ar_open_invoice_domain(self.env.company)
            + [
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("invoice_date_due", "<", today),
            ],
            order="invoice_date_due, id",
        )
        for partner in self:
            partner.collection_overdue_move_ids = moves.filtered(
                lambda m, p=partner: m.commercial_partner_id == p.commercial_partner_id
            )

    def _compute_collection_workbench_counts(self):
        commercial_ids = self.commercial_partner_id.ids
        counts = {}
        for model, key in (
            ("ar.collection.contact", "contact"),
            ("ar.collection.promise", "promise"),
            ("ar.collection.dispute", "dispute"),
            ("ar.payment.plan", "plan"),
        ):
            groups = self.env[model]._read_group(
                [("partner_id", "in", commercial_ids)], ["partner_id"], ["__count"]
            )
            counts[key] = {partner.id: count for partner, count in groups}
        rates = self.env["ar.collection.promise"]._kept_broken_rates(
            "partner_id", [("partner_id", "in", commercial_ids)]
        )
        for partner in self:
            commercial = partner.commercial_partner_id.id
            partner.collection_contact_count = counts["contact"].get(commercial, 0)
            partner.collection_promise_count = counts["promise"].get(commercial, 0)
            partner.collection_dispute_count = counts["dispute"].get(commercial, 0)
            partner.payment_plan_count = counts["plan"].get(commercial, 0)
            partner.collection_promise_kept_rate = rates.get(commercial, {}).get(
                "rate", 0.0
            )

    def action_collection_log_contact(self):
        return self.env["ar.collection.contact.wizard"]._open_for(
            self.commercial_partner_id[:1]
        )

    def action_collection_resend_invoices(self):
        """Re-send copies of the overdue invoices through Odoo's own send wizard."""
        self.ensure_one()
        moves = self.commercial_partner_id.collection_overdue_move_ids
        if not moves:
            raise UserError(
                _(
                    "%(partner)s has no overdue invoice to re-send.",
                    partner=self.display_name,
                )
            )
        return moves.action_send_and_print()

    def action_collection_new_payment_plan(self):
        self.ensure_one()
        partner = self.commercial_partner_id
        return {
            "type": "ir.actions.act_window",
            "name": _("New payment plan"),
            "res_model": "ar.payment.plan",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_partner_id": partner.id,
                "default_move_ids": partner.collection_overdue_move_ids.ids,
                "default_amount_total": sum(
                    partner.collection_overdue_move_ids.mapped("amount_residual_signed")
                ),
            },
        }

    def _ar_workbench_action(self, model, name):
        self.ensure_one()
        partner = self.commercial_partner_id
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("partner_id", "=", partner.id)],
            "context": {"default_partner_id": partner.id},
        }

    def action_view_collection_contacts(self):
        return self._ar_workbench_action("ar.collection.contact", _("Logged contacts"))

    def action_view_collection_promises(self):
        return self._ar_workbench_action("ar.collection.promise", _("Promises to pay"))

    def action_view_collection_disputes(self):
        return self._ar_workbench_action("ar.collection.dispute", _("Disputes"))

    def action_view_payment_plans(self):
        return self._ar_workbench_action("ar.payment.plan", _("Payment plans"))

    def action_collection_reassign(self):
        return self.env["ar.collector.reassign.wizard"]._open_for(
            self.commercial_partner_id
        )

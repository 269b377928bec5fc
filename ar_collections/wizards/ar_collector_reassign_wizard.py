from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError


class ArCollectorReassignWizard(models.TransientModel):
    """Give many customers to another collector at once (collections managers)."""

    _name = "ar.collector.reassign.wizard"
    _description = "Reassign collector"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    collector_id = fields.Many2one(
        "res.users",
        string="New collector",
        domain=lambda self: [
            (
                "groups_id",
                "in",
                self.env.ref("ar_collections.group_collections_user").ids,
            )
        ],
    )

    @api.model
    def _open_for(self, partners):
        return {
            "type": "ir.actions.act_window",
            "name": _("Reassign collector"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_partner_ids": [Command.set(partners.ids)]},
        }

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("ar_collections.group_collections_manager"):
            raise AccessError(_("Only a collections manager can reassign customers."))
        partners = self.partner_ids.commercial_partner_id
        if not partners:
            raise UserError(_("Choose the customers to reassign."))
        partners.write({"collector_id": self.collector_id.id})
        return {"type": "ir.actions.act_window_close"}

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class ArCollectionExcludeWizard(models.TransientModel):
    """Exclude invoices or whole customers from dunning, with a reason."""

    _name = "ar.collection.exclude.wizard"
    _description = "Exclude from dunning"

    res_model = fields.Selection(
        [("account.move", "Invoices"), ("res.partner", "Customers")], required=True
    )
    res_ids = fields.Json(required=True)
    reason = fields.Char(required=True)
    until = fields.Date(
        string="Excluded until", help="Last day of the exclusion; empty: until lifted."
    )
    target_count = fields.Integer(compute="_compute_target_count")

    @api.depends("res_ids")
    def _compute_target_count(self):
        for wizard in self:
            wizard.target_count = len(wizard.res_ids or [])

    @api.model
    def _open_for(self, records):
        return {
            "type": "ir.actions.act_window",
            "name": _("Exclude from dunning"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_res_model": records._name,
                "default_res_ids": records.ids,
            },
        }

    def action_confirm(self):
        self.ensure_one()
        if self.until and self.until < fields.Date.context_today(self):
            raise UserError(_("The exclusion cannot end in the past."))
        if self.res_model == "res.partner" and not self.env.user.has_group(
            "ar_collections.group_collections_manager"
        ):
            raise AccessError(
                _("Only a collections manager can exclude a whole customer.")
            )
        records = self.env[self.res_model].browse(self.res_ids).exists()
        records.check_access("write")
        if self.res_model == "account.move":
            records = records.with_context(skip_is_manually_modified=True)
        records.write(
            {
                "collection_excluded": True,
                "collection_exclusion_reason": self.reason,
                "collection_exclusion_until": self.until,
            }
        )
        return {"type": "ir.actions.act_window_close"}

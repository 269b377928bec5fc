from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.ar_credit_hold import OVERRIDE_CONTEXT_KEY, OVERRIDE_GROUP


class ArCreditHoldOverrideWizard(models.TransientModel):
    """Go ahead once with a document of a customer on credit hold, with a reason.

    The documents' model implements ``_ar_credit_hold_proceed`` (invoices: post;
    sale orders: confirm); the reason is logged on the customer, the hold and the
    document by the server-side check, which honours it for override users only.
    """

    _name = "ar.credit.hold.override.wizard"
    _description = "Override a credit hold"

    res_model = fields.Char(required=True, readonly=True)
    res_ids = fields.Json(required=True, readonly=True)
    reason = fields.Char(required=True)
    hold_summary = fields.Text(compute="_compute_hold_summary")

    @api.depends("res_model", "res_ids")
    def _compute_hold_summary(self):
        for wizard in self:
            records = wizard._records()
            partners = records.partner_id.commercial_partner_id
            holds = self.env["ar.credit.hold"]._get_active(partners, records.company_id)
            wizard.hold_summary = "\n".join(
                _(
                    "%(customer)s: on hold since %(date)s: %(reason)s",
                    customer=hold.partner_id.display_name,
                    date=hold.date,
                    reason=hold.reason,
                )
                for hold in holds
            )

    @api.model
    def _open_for(self, records):
        return {
            "type": "ir.actions.act_window",
            "name": _("Override the credit hold"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_res_model": records._name,
                "default_res_ids": records.ids,
            },
        }

    def _records(self):
        self.ensure_one()
        if not self.res_model or self.res_model not in self.env:
            return self.env["account.move"]
        records = self.env[self.res_model].browse(self.res_ids or [])
        if not hasattr(records, "_ar_credit_hold_proceed"):
            raise UserError(
                _(
                    "A credit hold cannot be overridden on %(model)s.",
                    model=self.res_model,
                )
            )
        return records

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group(OVERRIDE_GROUP):
            raise AccessError(
                _("Only a user with 'Credit hold: override' can do this.")
            )
        if not (self.reason or "").strip():
            raise UserError(_("Overriding a credit hold needs a reason."))
        records = self._records()
        records.check_access("write")
        result = records.with_context(
            **{OVERRIDE_CONTEXT_KEY: self.reason.strip()}
        )._ar_credit_hold_proceed()
        if isinstance(result, dict):
            return result
        return {"type": "ir.actions.act_window_close"}

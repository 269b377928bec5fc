from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.account_move import OPEN_PAYMENT_STATES
from ..models.ar_write_off_request import WRITE_OFF_REASONS


class ArWriteOffRequestWizard(models.TransientModel):
    """Request a write-off of open invoices: from invoices (form or list selection)
    or a customer. Invoices of several customers give one request per customer."""

    _name = "ar.write.off.request.wizard"
    _inherit = "ar.invoice.case.wizard"
    _description = "Request a write-off"

    reason = fields.Selection(WRITE_OFF_REASONS, required=True)
    note = fields.Text()
    attachment_ids = fields.Many2many("ir.attachment", string="Attachments")

    @api.model
    def _ar_window_name(self):
        return _("Request a write-off")

    @api.model
    def _open_for_partners(self, partners):
        moves = self.env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", OPEN_PAYMENT_STATES),
                ("commercial_partner_id", "in", partners.commercial_partner_id.ids),
                ("company_id", "in", self.env.companies.ids),
            ]
        )
        return self._open_for(moves)

    def _create_requests(self):
        self.ensure_one()
        Request = self.env["ar.write.off.request"]
        taken = Request._moves_in_requests(self.move_ids)
        if taken:
            raise UserError(
                _(
                    "Already in a write-off request: %(moves)s.",
                    moves=", ".join(taken.mapped("display_name")),
                )
            )
        requests = Request._create_for_moves(
            self.move_ids, self.reason, note=self.note, attachments=self.attachment_ids
        )
        if not requests:
            raise UserError(_("None of these invoices is open; nothing to write off."))
        for attachment in self.attachment_ids:
            # The upload belonged to this wizard; it now documents the first request.
            attachment.write({"res_model": Request._name, "res_id": requests[0].id})
        return requests

    def _open_requests(self, requests):
        return self._ar_open_cases(requests, _("Write-off requests"))

    def action_create(self):
        return self._open_requests(self._create_requests())

    def action_create_submit(self):
        requests = self._create_requests()
        requests.action_submit()
        return self._open_requests(requests)

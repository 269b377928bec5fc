import base64

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from .ar_collection_dispute import DISPUTE_REASONS

PORTAL_MAX_FILES = 5
PORTAL_MAX_FILE_SIZE = 10 * 1024 * 1024  # bytes, per file


class ArCollectionDisputePortal(models.Model):
    """A dispute the customer opened on the portal (``source = 'portal'``): it
    holds its invoices like any dispute, the customer's collector (else
    salesperson, else a collections manager) investigates it, and the customer's
    files are stored on it."""

    _name = "ar.collection.dispute"
    _inherit = ["ar.collection.dispute", "ar.collection.portal.case.mixin"]

    _ar_case_number_prefix = "DSP"

    @api.model
    def _ar_create_from_portal(
        self, partner, company, moves, reason, description, files, nonce
    ):
        """Open the dispute the customer filed on the portal, once per form
        (``nonce``). ``files``: [(file name, bytes, mimetype)]. Runs as superuser
        after the checks; the model's own checks apply."""
        customer = partner.commercial_partner_id
        replay = self._ar_portal_replay(customer, nonce)
        if replay:
            return replay
        moves = self._ar_portal_check_moves(customer, company, moves.sudo())
        if reason not in dict(DISPUTE_REASONS):
            raise UserError(_("Choose a reason for the dispute."))
        description = (description or "").strip()
        if not description:
            raise UserError(_("Describe what is wrong with the invoice."))
        if len(files) > PORTAL_MAX_FILES:
            raise UserError(
                _("Attach at most %(count)s files.", count=PORTAL_MAX_FILES)
            )
        for name, content, _mimetype in files:
            if len(content) > PORTAL_MAX_FILE_SIZE:
                raise UserError(
                    _(
                        "%(name)s is larger than %(size)s MB.",
                        name=name,
                        size=PORTAL_MAX_FILE_SIZE // (1024 * 1024),
                    )
                )
        responsible = self._ar_portal_responsible(customer, company)
        dispute = (
            self.sudo()
            .with_company(company)
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "move_ids": [Command.set(moves.ids)],
                    "reason": reason,
                    "description": description,
                    "responsible_id": responsible.id,
                    "date_open": fields.Date.context_today(self),
                    "source": "portal",
                    "portal_nonce": nonce,
                }
            )
        )
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": name,
                        "datas": base64.b64encode(content),
                        "mimetype": mimetype or None,
                        "res_model": dispute._name,
                        "res_id": dispute.id,
                    }
                    for name, content, mimetype in files
                ]
            )
        )
        dispute._ar_portal_log(
            _(
                "Dispute opened on the portal (%(number)s): %(reason)s on "
                "%(moves)s. %(description)s",
                number=dispute.case_number,
                reason=dict(DISPUTE_REASONS)[reason],
                moves=", ".join(moves.mapped("name")),
                description=description,
            ),
            partner,
        )
        if attachments:
            dispute.sudo().message_post(
                body=_("Files sent by the customer on the portal."),
                author_id=partner.id,
                attachment_ids=attachments.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return dispute

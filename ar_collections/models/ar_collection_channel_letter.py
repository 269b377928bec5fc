from odoo import _, api, models


class ArCollectionAction(models.AbstractModel):
    """The letter channel: notices rendered as PDF letters to print."""

    _inherit = "ar.collection.action"

    @api.model
    def _ar_action_letter(self, customer_actions):
        law_firms, outcomes = self._ar_letterheads(customer_actions)
        customer_actions = [a for a in customer_actions if a not in outcomes]
        notices = self._ar_create_notices(customer_actions, "letter", law_firms)
        rendered = self._ar_render_notices(notices, ["body_html"])
        for notice in notices:
            notice.letter_body = rendered[notice.id].get("body_html")
        report = self.env.ref("ar_collections.action_report_collection_letter")
        pdfs = self.env["ir.actions.report"]._ar_render_pdfs(report, notices.ids)
        pairs = list(zip(customer_actions, notices, strict=True))
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": _(
                        "Letter %(step)s %(date)s.pdf",
                        step=notice.step_code,
                        date=notice.date,
                    ),
                    "raw": pdfs[notice.id],
                    "mimetype": "application/pdf",
                    "res_model": "res.partner",
                    "res_id": customer_action.partner.id,
                }
                for customer_action, notice in pairs
            ]
        )
        # attach_statement / attach_invoices: filed with the letter, to print with it
        extras = self._ar_notice_attachment_ids(customer_actions, notices)
        self._ar_log_on_law_firms(notices)
        for (customer_action, notice), attachment in zip(
            pairs, attachments, strict=True
        ):
            notice.attachment_id = attachment
            customer_action.partner.message_post(
                body=_(
                    "Collection letter to print and send (step %(step)s).",
                    step=notice.step_code,
                ),
                attachment_ids=attachment.ids + extras[notice.id],
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            outcomes[customer_action] = {
                "state": "done",
                "result": _("Letter ready to print: %(name)s", name=attachment.name),
                "notice_id": notice.id,
            }
        return outcomes

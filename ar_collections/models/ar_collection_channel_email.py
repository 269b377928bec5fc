import base64

from markupsafe import Markup

from odoo import _, api, models
from odoo.tools import email_normalize, formataddr

LOGO_ATTACHMENT = "letterhead_logo.png"


class ArCollectionAction(models.AbstractModel):
    """The e-mail channel: notices rendered and queued as ``mail.mail``."""

    _inherit = "ar.collection.action"

    @api.model
    def _ar_action_email(self, customer_actions):
        law_firms, outcomes = self._ar_letterheads(customer_actions)
        customer_actions = [a for a in customer_actions if a not in outcomes]
        notices = self._ar_create_notices(customer_actions, "email", law_firms)
        rendered = {}

        def render_texts():
            rendered.update(
                self._ar_render_notices(notices, ["subject", "body_html", "email_from"])
            )
            self._ar_add_letterheads(notices, rendered)

        comment = self.env.ref("mail.mt_comment")
        # attach_statement / attach_invoices: rendered at once for the batch, the
        # e-mails' texts rendered while wkhtmltopdf works
        sendable = [
            (action, notice)
            for action, notice in zip(customer_actions, notices, strict=True)
            if notice.recipient_id.email
        ]
        attachments = self._ar_notice_attachment_ids(
            [action for action, _notice in sendable],
            notices.browse([notice.id for _action, notice in sendable]),
            meanwhile=render_texts,
        )
        mail_vals, sending = [], []
        for customer_action, notice in zip(customer_actions, notices, strict=True):
            recipient = notice.recipient_id
            if not recipient.email:
                notice.state = "failed"
                outcomes[customer_action] = {
                    "state": "failed",
                    "result": _(
                        "No e-mail address on %(partner)s",
                        partner=recipient.display_name,
                    ),
                    "notice_id": notice.id,
                }
                continue
            values = rendered[notice.id]
            mail_vals.append(
                {
                    "model": "res.partner",
                    "res_id": customer_action.partner.id,
                    "record_name": customer_action.partner.display_name,
                    "message_type": "comment",
                    "subtype_id": comment.id,
                    "subject": values.get("subject"),
                    # The chatter shows a summary; the e-mail itself is in body_html
                    # and on the notice (sanitising each full e-mail again for the
                    # chatter would cost more than the rest of the run).
                    "body": self._ar_chatter_summary(notice, values.get("subject")),
                    "body_html": values.get("body_html"),
                    "email_from": self._ar_notice_email_from(notice, values),
                    # Replies go to the sender; left empty, Odoo looks up the
                    # customer's mail alias once per message.
                    "reply_to": values.get("email_from")
                    or notice.company_id.email_formatted,
                    "author_id": notice.company_id.partner_id.id,
                    "recipient_ids": [(4, recipient.id)],
                    "partner_ids": [(4, recipient.id)],
                    "attachment_ids": [
                        (4, attachment_id) for attachment_id in attachments[notice.id]
                    ],
                    "auto_delete": False,
                    "state": "outgoing",
                }
            )
            sending.append((customer_action, notice))
        mails = self.env["mail.mail"].sudo().create(mail_vals)
        self._ar_log_on_law_firms(
            notices.browse([notice.id for _action, notice in sending])
        )
        for (customer_action, notice), mail in zip(sending, mails, strict=True):
            notice.mail_message_id = mail.mail_message_id
            outcomes[customer_action] = {
                "state": "done",
                "result": _(
                    "E-mail '%(subject)s' queued to %(email)s",
                    subject=mail.subject,
                    email=notice.recipient_id.email,
                ),
                "notice_id": notice.id,
            }
        return outcomes

    @api.model
    def _ar_notice_email_from(self, notice, values):
        """The sender: the template's (the company); on a law firm's letterhead,
        the firm's name at the company's address (replies still go to the
        company)."""
        sender = values.get("email_from") or notice.company_id.email_formatted
        if not notice.law_firm_id:
            return sender
        address = email_normalize(sender) or notice.company_id.email
        return formataddr((notice.law_firm_id.name, address))

    @api.model
    def _ar_add_letterheads(self, notices, rendered):
        """The firm's letterhead above the e-mail's text and its signature below,
        for the notices sent on a law firm's letterhead."""
        QWeb = self.env["ir.qweb"]
        logos = {}
        for notice in notices.filtered("law_firm_id"):
            values = rendered[notice.id]
            firm = notice.law_firm_id.sudo()
            if firm.id not in logos:
                logos[firm.id] = self._ar_letterhead_logo_url(firm)
            context = {"notice": notice, "firm": firm, "logo_src": logos[firm.id]}
            values["body_html"] = Markup("").join(
                (
                    QWeb._render("ar_collections.notice_letterhead_top", context),
                    Markup(values.get("body_html") or ""),
                    QWeb._render("ar_collections.notice_letterhead_signature", context),
                )
            )

    @api.model
    def _ar_letterhead_logo_url(self, firm):
        """The address of the firm's logo for e-mails (many mail clients block
        images written into the message): an attachment of the firm readable with
        its access token, made once per logo. False without a logo."""
        if not firm.law_firm_logo:
            return False
        Attachment = self.env["ir.attachment"].sudo()
        raw = base64.b64decode(firm.law_firm_logo)
        attachment = Attachment.search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", firm.id),
                ("res_field", "=", False),
                ("name", "=", LOGO_ATTACHMENT),
                ("checksum", "=", Attachment._compute_checksum(raw)),
            ],
            limit=1,
        )
        if not attachment:
            attachment = Attachment.create(
                {
                    "name": LOGO_ATTACHMENT,
                    "raw": raw,
                    "res_model": "res.partner",
                    "res_id": firm.id,
                }
            )
        token = attachment.generate_access_token()[0]
        return f"{firm.get_base_url()}/web/image/{attachment.id}?access_token={token}"

    @api.model
    def _ar_chatter_summary(self, notice, subject):
        return Markup("<p>%s</p>") % _(
            "Reminder e-mail '%(subject)s' (step %(step)s) about %(count)s invoice(s): "
            "%(invoices)s",
            subject=subject or "",
            step=notice.step_code,
            count=len(notice.move_ids),
            invoices=", ".join(notice.move_ids.mapped("name")),
        )

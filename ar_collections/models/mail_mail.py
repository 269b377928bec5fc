from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def send(self, auto_commit=False, raise_exception=False, post_send_callback=None):
        """Cancel reminders whose invoices were all paid since they were queued."""
        obsolete = self._ar_obsolete_collection_mails()
        if obsolete:
            obsolete.write({"state": "cancel", "failure_reason": "All invoices paid"})
            notices = (
                self.env["ar.collection.notice"]
                .sudo()
                .search([("mail_message_id", "in", obsolete.mail_message_id.ids)])
            )
            notices.write({"state": "cancelled"})
        return super(MailMail, self - obsolete).send(
            auto_commit=auto_commit,
            raise_exception=raise_exception,
            post_send_callback=post_send_callback,
        )

    def _ar_obsolete_collection_mails(self):
        outgoing = self.filtered(lambda mail: mail.state == "outgoing")
        if not outgoing:
            return self.browse()
        notices = (
            self.env["ar.collection.notice"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", outgoing.mail_message_id.ids),
                    ("channel", "=", "email"),
                ]
            )
        )
        paid_messages = notices.filtered(
            lambda notice: all(
                move.payment_state not in ("not_paid", "partial")
                for move in notice.move_ids
            )
        ).mail_message_id
        return outgoing.filtered(lambda mail: mail.mail_message_id in paid_messages)

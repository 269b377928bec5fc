from odoo import _, models


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

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        """Follow the delivery of reminders: a sent e-mail marks its notice sent; one
        the mail queue could not deliver marks its notice and its ladder events
        failed, so that the next run sends it again (up to the retry limit)."""
        self._ar_track_collection_delivery(failure_reason)
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )

    def _ar_track_collection_delivery(self, failure_reason):
        mails = self.filtered(lambda mail: mail.state in ("sent", "exception"))
        if not mails.mail_message_id:
            return
        notices = (
            self.env["ar.collection.notice"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", mails.mail_message_id.ids),
                    ("channel", "=", "email"),
                    ("state", "=", "queued"),
                ]
            )
        )
        if not notices:
            return
        failed_messages = mails.filtered(
            lambda mail: mail.state == "exception"
        ).mail_message_id
        failed = notices.filtered(lambda n: n.mail_message_id in failed_messages)
        (notices - failed).write({"state": "sent"})
        if not failed:
            return
        failed.write({"state": "failed"})
        reasons = {
            mail.mail_message_id.id: mail.failure_reason or failure_reason
            for mail in mails
            if mail.state == "exception"
        }
        events = (
            self.env["ar.collection.event"]
            .sudo()
            .search(
                [
                    ("notice_id", "in", failed.ids),
                    ("origin", "=", "ladder"),
                    ("state", "=", "done"),
                ]
            )
        )
        for event in events:
            event.write(
                {
                    "state": "failed",
                    "result": _(
                        "E-mail not delivered: %(reason)s",
                        reason=reasons.get(event.notice_id.mail_message_id.id)
                        or _("unknown error"),
                    ),
                }
            )
        events.move_id._ar_reset_collection_schedule()

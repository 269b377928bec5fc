"""The run's notes in the invoices' chatter, written with one ``COPY`` (an
``_inherit`` of ``ar.collection.run``)."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools.mail import generate_tracking_message_id

from .sql_copy import copy_rows

NOTE_COLUMNS = (
    "model", "res_id", "body", "message_type", "subtype_id", "is_internal",
    "author_id", "email_from", "reply_to", "message_id", "email_add_signature",
    "date", "create_uid", "create_date", "write_uid", "write_date",
)  # fmt: skip


class ArCollectionRun(models.AbstractModel):
    _inherit = "ar.collection.run"

    @api.model
    def _ar_log_notes(self, records, bodies, author):
        """Log ``bodies`` ({record id: text}) as internal notes on ``records``,
        by ``author``: the messages Odoo's ``_message_log_batch`` would create (an
        internal note, no notification), in one ``COPY`` instead of one ORM create
        (and one sanitising of the body) each. The text is escaped;
        the notes show in each record's chatter like any other."""
        if not bodies:
            return
        records.env["mail.message"].flush_model()
        email_from = author.email_formatted
        reply_to = self.env["mail.thread"]._notify_get_reply_to(default=email_from)[
            False
        ]
        subtype = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        now = fields.Datetime.now()
        uid = self.env.uid
        copy_rows(
            self.env.cr,
            "mail_message",
            NOTE_COLUMNS,
            (
                (
                    records._name,
                    res_id,
                    Markup("<p>%s</p>") % body,
                    "notification",
                    subtype,
                    True,
                    author.id,
                    email_from,
                    reply_to,
                    generate_tracking_message_id("message-notify"),
                    False,
                    now,
                    uid,
                    now,
                    uid,
                    now,
                )
                for res_id, body in bodies.items()
            ),
        )
        records.invalidate_recordset(["message_ids"])

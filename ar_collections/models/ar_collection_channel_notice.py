from markupsafe import Markup

from odoo import _, api, models

from .account_move import OPEN_PAYMENT_STATES

INVOICE_REPORT = "account.account_invoices"


class ArCollectionAction(models.AbstractModel):
    """What the e-mail and letter channels share: one ``ar.collection.notice`` per
    customer and channel, addressed to the invoicing contact, rendered by its
    template."""

    _inherit = "ar.collection.action"

    @api.model
    def _ar_create_notices(self, customer_actions, channel, law_firms=None):
        """One notice per customer action; ``law_firms``: {customer action: the law
        firm whose letterhead it carries}."""
        law_firms = law_firms or {}
        stages = self.env["ar.collection.stage"]._get_by_code()
        recipients = self._ar_invoice_contacts([ca.partner for ca in customer_actions])
        cache = {}
        vals_list = []
        for customer_action in customer_actions:
            partner = customer_action.partner
            recipient_id = recipients[partner.id]
            template = self._ar_ref(customer_action.action.params["template"], cache)
            step = customer_action.step
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "recipient_id": recipient_id,
                    "company_id": customer_action.moves.company_id[:1].id,
                    "ladder_id": customer_action.ladder.id,
                    "step_code": step.code,
                    "stage_id": stages[step.stage].id if step.stage else False,
                    "channel": channel,
                    "date": customer_action.today,
                    "template_id": template.id,
                    "move_ids": [(6, 0, customer_action.listed_moves.ids)],
                    "law_firm_id": law_firms[customer_action].id
                    if customer_action in law_firms
                    else False,
                }
            )
        # no "created" note on each notice: what it is and where it went is on
        # the notice itself, the customer's chatter and the invoices' events
        return (
            self.env["ar.collection.notice"]
            .with_context(mail_create_nolog=True)
            .create(vals_list)
        )

    @api.model
    def _ar_letterheads(self, customer_actions):
        """The law firms of the actions with ``letterhead: <code>``: ({customer
        action: firm}, {customer action: failed outcome}) - a firm unknown, or
        that has not authorised its letterhead on the run's day, stops the notice
        (nothing is sent)."""
        firms, refused = {}, {}
        lettered = [a for a in customer_actions if a.action.params.get("letterhead")]
        by_company = {}
        for customer_action in lettered:
            by_company.setdefault(customer_action.ladder.company_id, []).append(
                customer_action
            )
        for company, actions in by_company.items():
            found = self.env["res.partner"]._ar_find_law_firms(
                {a.action.params["letterhead"] for a in actions}, company
            )
            for customer_action in actions:
                code = customer_action.action.params["letterhead"]
                firm = found.get(code)
                reason = (
                    firm._ar_letterhead_refusal(customer_action.today)
                    if firm
                    else _("refused: no law firm with the code '%(code)s'", code=code)
                )
                if reason:
                    refused[customer_action] = {"state": "failed", "result": reason}
                else:
                    firms[customer_action] = firm
        return firms, refused

    @api.model
    def _ar_log_on_law_firms(self, notices):
        """One note per letterhead notice on the firm's chatter, created at once."""
        notices = notices.filtered("law_firm_id")
        if not notices:
            return
        note = self.env.ref("mail.mt_note")
        self.env["mail.message"].sudo().create(
            [
                {
                    "model": "res.partner",
                    "res_id": notice.law_firm_id.id,
                    "message_type": "comment",
                    "subtype_id": note.id,
                    "author_id": notice.company_id.partner_id.id,
                    "body": Markup("<p>%s</p>")
                    % _(
                        "%(channel)s to %(customer)s sent on this firm's letterhead "
                        "(step %(step)s, %(date)s): %(invoices)s",
                        channel=dict(
                            notice._fields["channel"]._description_selection(self.env)
                        )[notice.channel],
                        customer=notice.partner_id.display_name,
                        step=notice.step_code,
                        date=notice.date,
                        invoices=", ".join(notice.move_ids.mapped("name")),
                    ),
                }
                for notice in notices
            ]
        )

    @api.model
    def _ar_ref(self, xmlid, cache):
        """``env.ref`` once per batch: each call checks that the record exists."""
        if xmlid not in cache:
            cache[xmlid] = self.env.ref(xmlid)
        return cache[xmlid]

    @api.model
    def _ar_invoice_contacts(self, partners):
        """{partner id: its invoicing contact's id, or its own}, in one query."""
        partner_ids = [partner.id for partner in partners]
        contacts = self.env["res.partner"].search(
            [("parent_id", "in", partner_ids), ("type", "=", "invoice")],
            order="id desc",
        )
        by_parent = {contact.parent_id.id: contact.id for contact in contacts}
        return {
            partner_id: by_parent.get(partner_id, partner_id)
            for partner_id in partner_ids
        }

    @api.model
    def _ar_render_notices(self, notices, render_fields):
        """Render the notices with their templates: {notice_id: rendered values}."""
        notices._ar_prepare_links()
        rendered = {}
        for template in notices.template_id:
            batch = notices.filtered(lambda notice, t=template: notice.template_id == t)
            rendered.update(template._generate_template(batch.ids, render_fields))
        return rendered

    @api.model
    def _ar_invoice_attachments(self, moves, meanwhile=None):
        """{move id: PDF attachment} of the invoices (``attach_invoices``): the
        invoice's own PDF when it has one (the one sent, else its main attachment),
        the others rendered at once with Odoo's invoice report (``meanwhile``: see
        ``ir.actions.report._ar_render_pdfs``)."""
        moves = moves.sudo()
        found = {}
        for move in moves:
            for attachment in (
                move.invoice_pdf_report_id,
                move.message_main_attachment_id,
            ):
                if attachment and attachment.mimetype == "application/pdf":
                    found[move.id] = attachment
                    break
        todo = moves.filtered(lambda m: m.id not in found)
        if todo:
            pdfs = (
                self.env["ir.actions.report"]
                .sudo()
                ._ar_render_pdfs(INVOICE_REPORT, todo.ids, meanwhile=meanwhile)
            )
            created = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    [
                        {
                            "name": f"{(move.name or '').replace('/', '_')}.pdf",
                            "raw": pdfs[move.id],
                            "mimetype": "application/pdf",
                            "res_model": "account.move",
                            "res_id": move.id,
                        }
                        for move in todo
                    ]
                )
            )
            found.update(zip(todo.ids, created, strict=True))
        return found

    @api.model
    def _ar_notice_attachment_ids(self, customer_actions, notices, meanwhile=None):
        """{notice id: [attachment ids]} the notices carry: the statement
        (``attach_statement``) and the invoice PDFs (``attach_invoices``) of the
        open listed invoices, each rendered once for the batch. ``meanwhile``: a
        function called once, while the first PDFs render in the background (see
        ``ir.actions.report._ar_render_pdfs``), or at the end when none do."""
        pending = [meanwhile] if meanwhile else []

        def once():
            while pending:
                pending.pop()()

        pairs = list(zip(customer_actions, notices, strict=True))
        statement_partners = self.env["res.partner"].union(
            *(
                action.partner
                for action, _notice in pairs
                if action.action.params.get("attach_statement")
            )
        )
        statements = (
            statement_partners._ar_statement_attachments(
                notices.company_id[:1], meanwhile=once
            )
            if statement_partners
            else {}
        )
        invoice_moves = {
            notice.id: notice.move_ids.filtered(
                lambda m: m.payment_state in OPEN_PAYMENT_STATES
            )
            for action, notice in pairs
            if action.action.params.get("attach_invoices")
        }
        invoices = (
            self._ar_invoice_attachments(
                self.env["account.move"].union(*invoice_moves.values()),
                meanwhile=once,
            )
            if invoice_moves
            else {}
        )
        result = {}
        for action, notice in pairs:
            ids = []
            if action.partner.id in statements:
                ids.append(statements[action.partner.id].id)
            ids += [invoices[move.id].id for move in invoice_moves.get(notice.id, ())]
            result[notice.id] = ids
        once()
        return result

from odoo import api, models


class ArCollectionAction(models.AbstractModel):
    """What the e-mail and letter channels share: one ``ar.collection.notice`` per
    customer and channel, addressed to the invoicing contact, rendered by its
    template."""

    _inherit = "ar.collection.action"

    @api.model
    def _ar_create_notices(self, customer_actions, channel):
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
                }
            )
        return self.env["ar.collection.notice"].create(vals_list)

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
        rendered = {}
        for template in notices.template_id:
            batch = notices.filtered(lambda notice, t=template: notice.template_id == t)
            rendered.update(template._generate_template(batch.ids, render_fields))
        return rendered

from odoo import api, fields, models

CONTACT_CHANNELS = [
    ("call", "Call"),
    ("meeting", "Meeting"),
    ("email", "E-mail"),
    ("letter", "Letter"),
]
CONTACT_OUTCOMES = [
    ("reached", "Reached the customer"),
    ("promise", "Promise to pay"),
    ("dispute", "Dispute raised"),
    ("payment_plan", "Payment plan agreed"),
    ("left_message", "Left a message"),
    ("no_answer", "No answer"),
    ("refused", "Refused to pay"),
    ("other", "Other"),
]
LATE_PAYMENT_REASONS = [
    ("not_received", "Invoice not received"),
    ("wrong_amount", "Wrong amount"),
    ("dissatisfied", "Dissatisfied with goods or service"),
    ("cash_flow", "Cash-flow"),
    ("waiting_approval", "Waiting for approval"),
    ("dispute", "Dispute"),
    ("other", "Other"),
]


class ArCollectionContact(models.Model):
    """A logged call, meeting, e-mail or letter with a customer about what it owes.

    Records who was reached, the outcome and the real reason for the late payment
    (its reason code), so that earlier attempts are at hand before the next contact.
    """

    _name = "ar.collection.contact"
    _description = "Collection contact"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Date(
        required=True, index=True, default=lambda self: fields.Date.context_today(self)
    )
    user_id = fields.Many2one(
        "res.users", string="Logged by", default=lambda self: self.env.user, index=True
    )
    contact_person_id = fields.Many2one(
        "res.partner",
        string="Contact person",
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    channel = fields.Selection(CONTACT_CHANNELS, required=True, default="call")
    outcome = fields.Selection(CONTACT_OUTCOMES, required=True, default="reached")
    reason = fields.Selection(LATE_PAYMENT_REASONS, string="Reason for late payment")
    note = fields.Text(string="Notes")
    move_ids = fields.Many2many(
        "account.move",
        "ar_collection_contact_move_rel",
        "contact_id",
        "move_id",
        string="Invoices",
    )
    promise_id = fields.Many2one(
        "ar.collection.promise",
        string="Promise",
        ondelete="set null",
        index="btree_not_null",
    )
    dispute_id = fields.Many2one(
        "ar.collection.dispute",
        string="Dispute",
        ondelete="set null",
        index="btree_not_null",
    )

    @api.model_create_multi
    def create(self, vals_list):
        contacts = super().create(vals_list)
        partners = contacts.partner_id
        self.env["ar.collection.promise"]._mark_followed_up(partners)
        self.env["ar.payment.plan"]._mark_followed_up(partners)
        return contacts

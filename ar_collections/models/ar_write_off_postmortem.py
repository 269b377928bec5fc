from odoo import _, api, fields, models
from odoo.exceptions import UserError

ROOT_CAUSES = [
    ("product_defect", "Product defect"),
    ("service_failure", "Service failure"),
    ("wrong_goods", "Wrong goods"),
    ("damaged_goods", "Damaged goods"),
    ("pricing_error", "Pricing or invoice error"),
    ("credit_too_easy", "Credit granted too easily"),
    ("insolvency", "Customer insolvency"),
    ("other", "Other"),
]


class ArWriteOffPostmortem(models.Model):
    """Why a posted write-off happened, and what is done so that it does not again.

    Each action item becomes an activity on this post-mortem for its owner, with its
    deadline (the seeds: a post-mortem meeting with an owner for each action item;
    complaints fed back to management until the internal cause is fixed).
    """

    _name = "ar.write.off.postmortem"
    _description = "Write-off post-mortem"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _rec_name = "request_id"

    request_id = fields.Many2one(
        "ar.write.off.request",
        string="Write-off",
        required=True,
        ondelete="restrict",
        index=True,
        domain="[('state', '=', 'posted')]",
    )
    company_id = fields.Many2one(
        related="request_id.company_id", store=True, index=True
    )
    company_currency_id = fields.Many2one(related="request_id.company_currency_id")
    partner_id = fields.Many2one(related="request_id.partner_id", store=True)
    amount = fields.Monetary(
        related="request_id.amount", store=True, currency_field="company_currency_id"
    )
    reason = fields.Selection(related="request_id.reason", store=True)
    date_posted = fields.Date(related="request_id.date_posted", store=True)
    root_cause = fields.Selection(ROOT_CAUSES, required=True, tracking=True)
    description = fields.Html(required=True)
    action_item_ids = fields.One2many(
        "ar.write.off.action.item", "postmortem_id", string="Action items"
    )
    open_item_count = fields.Integer(compute="_compute_open_item_count")

    _sql_constraints = [
        (
            "request_unique",
            "UNIQUE(request_id)",
            "A write-off has one post-mortem.",
        ),
    ]

    @api.depends("action_item_ids.activity_id")
    def _compute_open_item_count(self):
        for postmortem in self:
            postmortem.open_item_count = len(
                postmortem.action_item_ids.filtered(lambda item: not item.done)
            )

    @api.constrains("request_id")
    def _check_request_posted(self):
        for postmortem in self:
            if postmortem.request_id.state != "posted":
                raise UserError(
                    _(
                        "A post-mortem is recorded for a posted write-off; %(name)s is "
                        "not posted.",
                        name=postmortem.request_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        postmortems = super().create(vals_list)
        for postmortem in postmortems:
            postmortem.request_id.message_post(
                body=_(
                    "Post-mortem recorded: %(cause)s.",
                    cause=postmortem._root_cause_label(),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return postmortems

    def _root_cause_label(self):
        self.ensure_one()
        return dict(ROOT_CAUSES).get(self.root_cause, self.root_cause)

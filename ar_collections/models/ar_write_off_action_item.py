from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ArWriteOffActionItem(models.Model):
    """One action of a post-mortem, owned by a user, with a deadline.

    Creating it schedules a to-do activity on the post-mortem for its owner; the item
    is done once that activity is marked done (or by the item's own Done button,
    which marks the activity done).
    """

    _name = "ar.write.off.action.item"
    _description = "Write-off post-mortem action item"
    _order = "deadline, id"

    postmortem_id = fields.Many2one(
        "ar.write.off.postmortem", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="postmortem_id.company_id", store=True, index=True
    )
    request_id = fields.Many2one(related="postmortem_id.request_id", store=True)
    partner_id = fields.Many2one(related="postmortem_id.partner_id", store=True)
    root_cause = fields.Selection(related="postmortem_id.root_cause", store=True)
    name = fields.Char(string="Action", required=True)
    user_id = fields.Many2one("res.users", string="Owner", required=True)
    deadline = fields.Date(required=True)
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    activity_created = fields.Boolean(readonly=True)
    done = fields.Boolean(compute="_compute_done", search="_search_done")

    @api.depends("activity_id", "activity_created")
    def _compute_done(self):
        for item in self:
            item.done = item.activity_created and not item.activity_id

    def _search_done(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on the done flag."))
        done = ["&", ("activity_created", "=", True), ("activity_id", "=", False)]
        if (operator == "=") == value:
            return done
        return ["!", *done]

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        items._schedule_activities()
        return items

    def _schedule_activities(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id("ar.write.off.postmortem")
        activities = (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": item.postmortem_id.id,
                        "activity_type_id": todo.id,
                        "summary": item.name,
                        "note": _(
                            "Action item of the post-mortem of %(request)s",
                            request=item.request_id.display_name,
                        ),
                        "date_deadline": item.deadline,
                        "user_id": item.user_id.id,
                    }
                    for item in self
                ]
            )
        )
        for item, activity in zip(self, activities, strict=True):
            item.write({"activity_id": activity.id, "activity_created": True})

    def action_done(self):
        self.activity_id.action_feedback(feedback=_("Action item done."))

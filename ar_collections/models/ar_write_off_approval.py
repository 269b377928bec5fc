from odoo import fields, models

APPROVAL_STATES = [
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]


class ArWriteOffApproval(models.Model):
    """One approval a write-off request needs: from a member of ``group_id``, given
    in ``sequence`` order. Made from the policy when the request is submitted and
    written only by the request's approve and reject methods."""

    _name = "ar.write.off.approval"
    _description = "Write-off approval"
    _order = "request_id, sequence, id"

    request_id = fields.Many2one(
        "ar.write.off.request", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="request_id.company_id", store=True, index=True
    )
    sequence = fields.Integer(default=0)
    group_xmlid = fields.Char(string="Group XML id", required=True)
    group_id = fields.Many2one("res.groups", string="Group", required=True)
    state = fields.Selection(APPROVAL_STATES, default="pending", required=True)
    user_id = fields.Many2one("res.users", string="By", readonly=True)
    date = fields.Datetime(readonly=True)
    comment = fields.Text(readonly=True)

from odoo import _, api, fields, models


class ArDunningPreview(models.TransientModel):
    """What a ladder would do on a given date, by a dry run: nothing changes."""

    _name = "ar.dunning.preview"
    _description = "Dunning ladder preview"

    ladder_id = fields.Many2one("ar.dunning.ladder", required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    line_ids = fields.One2many("ar.dunning.preview.line", "preview_id", readonly=True)
    message_line_ids = fields.One2many(
        "ar.dunning.preview.line",
        "preview_id",
        domain=[("line_type", "=", "message")],
        readonly=True,
    )
    invoice_line_ids = fields.One2many(
        "ar.dunning.preview.line",
        "preview_id",
        domain=[("line_type", "=", "invoice")],
        readonly=True,
    )
    charge_line_ids = fields.One2many(
        "ar.dunning.preview.line",
        "preview_id",
        domain=[("line_type", "=", "charge")],
        readonly=True,
    )
    summary = fields.Char(readonly=True)
    computed = fields.Boolean(readonly=True)

    def action_compute(self):
        self.ensure_one()
        run = self.env["ar.collection.run"].with_context(
            allowed_company_ids=self.ladder_id.company_id.ids
        )
        result = run._run(today=self.date, dry_run=True, ladders=self.ladder_id)
        self.line_ids.unlink()
        self.env["ar.dunning.preview.line"].create(
            [self._line_vals(proposal) for proposal in result.get("proposals", [])]
        )
        self.summary = _(
            "%(steps)s invoices would take a step (%(skipped)s steps skipped); "
            "%(messages)s customer actions.",
            steps=result.get("steps_proposed", 0),
            skipped=result.get("skips_proposed", 0),
            messages=len(self.message_line_ids),
        )
        self.computed = True
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Preview of %(ladder)s", ladder=self.ladder_id.name),
        }

    @api.model
    def _line_vals(self, proposal):
        vals = {
            "preview_id": self.id,
            "line_type": proposal["type"],
            "partner_id": proposal["partner_id"],
        }
        if proposal["type"] == "charge":
            vals.update(
                move_id=proposal["move_id"],
                step=proposal["step"],
                kind=proposal["kind"],
                detail=proposal["basis"],
                charge_amount=proposal["amount"],
                charge_currency_id=proposal["currency_id"],
            )
        elif proposal["type"] == "invoice":
            vals.update(
                move_id=proposal["move_id"],
                step=proposal["step"],
                skipped=", ".join(proposal["skipped"]),
            )
        else:
            params = proposal["params"]
            vals.update(
                kind=proposal["kind"],
                step=proposal["step"],
                detail=params.get("template")
                or params.get("summary")
                or params.get("reason"),
                invoice_count=len(proposal["move_ids"]),
            )
        return vals


class ArDunningPreviewLine(models.TransientModel):
    _name = "ar.dunning.preview.line"
    _description = "Dunning ladder preview line"
    _order = "line_type, partner_id, id"

    preview_id = fields.Many2one(
        "ar.dunning.preview", required=True, ondelete="cascade"
    )
    line_type = fields.Selection(
        [
            ("invoice", "Invoice"),
            ("message", "Customer action"),
            ("charge", "Late-payment charge"),
        ]
    )
    partner_id = fields.Many2one("res.partner", string="Customer")
    move_id = fields.Many2one("account.move", string="Invoice")
    invoice_date_due = fields.Date(
        related="move_id.invoice_date_due", string="Due date"
    )
    amount_residual = fields.Monetary(related="move_id.amount_residual")
    currency_id = fields.Many2one(related="move_id.currency_id")
    step = fields.Char()
    skipped = fields.Char(string="Skipped steps")
    kind = fields.Char(string="Action")
    detail = fields.Char()
    invoice_count = fields.Integer(string="Invoices listed")
    charge_amount = fields.Monetary(
        string="Charge", currency_field="charge_currency_id"
    )
    charge_currency_id = fields.Many2one("res.currency")

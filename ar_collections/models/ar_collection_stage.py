from odoo import _, api, fields, models
from odoo.exceptions import UserError


class _StagesByCode(dict):
    """{code: stage}; a code no stage has gives an empty recordset (``.id`` False),
    so a ladder naming a stage that is gone never crashes a run."""

    def __init__(self, empty, items):
        super().__init__(items)
        self._empty = empty

    def __missing__(self, code):
        return self._empty


class ArCollectionStage(models.Model):
    """How far the collection of an invoice (or a customer) has gone.

    Stages are ordered by ``sequence``: the higher, the more advanced. A customer's
    stage is the most advanced stage among its open invoices.

    Ladders name stages by code, events and notices point to them: a stage a ladder
    uses cannot be recoded or deleted, a stage events or notices point to cannot be
    deleted, and the shipped stages (which the addon itself relies on) cannot be
    deleted or recoded at all. Archive a stage instead.
    """

    _name = "ar.collection.stage"
    _description = "Collection stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True, help="Used by dunning ladders (`stage:` of a step)."
    )
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    fold = fields.Boolean(help="Folded in the kanban view of invoices by stage.")
    is_closed = fields.Boolean(
        string="Closed",
        help="Invoices at this stage are no longer collected (paid, written off).",
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "A collection stage code must be unique."),
    ]

    def _get_by_code(self):
        """Map stage code to stage record, for every stage (a missing code maps to
        an empty recordset)."""
        stages = self.with_context(active_test=False).search([])
        return _StagesByCode(stages.browse(), ((stage.code, stage) for stage in stages))

    # Protection -----------------------------------------------------------------------

    def _ar_ladders_using(self):
        """{stage: the ladders (of any company, archived too) whose steps name it}."""
        ladders = (
            self.env["ar.dunning.ladder"]
            .sudo()
            .with_context(active_test=False)
            .search([])
        )
        codes = {}
        for ladder in ladders:
            parsed = ladder._parse_or_none(ladder.yaml_source)
            for step in parsed.steps if parsed else ():
                if step.stage:
                    codes.setdefault(step.stage, ladders.browse())
                    codes[step.stage] |= ladder
        return {stage: codes.get(stage.code, ladders.browse()) for stage in self}

    def _ar_shipped(self):
        """The stages shipped with the addon (they have its XML ids)."""
        data = (
            self.env["ir.model.data"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("module", "=", "ar_collections"),
                    ("res_id", "in", self.ids),
                ]
            )
        )
        return self.browse(data.mapped("res_id"))

    def _ar_raise_if_used_by_ladders(self, doing):
        for stage, ladders in self._ar_ladders_using().items():
            if ladders:
                raise UserError(
                    _(
                        "Stage '%(stage)s' (code %(code)s) cannot be %(doing)s: "
                        "ladder(s) %(ladders)s use it. Change those ladders first.",
                        stage=stage.name,
                        code=stage.code,
                        doing=doing,
                        ladders=", ".join(
                            f"{ladder.name} ({ladder.company_id.name})"
                            for ladder in ladders
                        ),
                    )
                )

    def write(self, vals):
        if "code" in vals:
            changing = self.filtered(lambda stage: stage.code != vals["code"])
            shipped = changing._ar_shipped()
            if shipped:
                raise UserError(
                    _(
                        "Stage '%(stage)s' is shipped with the addon; its code "
                        "%(code)s cannot be changed.",
                        stage=shipped[0].name,
                        code=shipped[0].code,
                    )
                )
            changing._ar_raise_if_used_by_ladders(_("recoded"))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        shipped = self._ar_shipped()
        if shipped:
            raise UserError(
                _(
                    "Stage '%(stage)s' is shipped with the addon and cannot be "
                    "deleted; archive it instead.",
                    stage=shipped[0].name,
                )
            )
        self._ar_raise_if_used_by_ladders(_("deleted"))
        for model, what in (
            ("ar.collection.event", _("collection events")),
            ("ar.collection.notice", _("notices")),
        ):
            groups = (
                self.env[model]
                .sudo()
                ._read_group([("stage_id", "in", self.ids)], ["stage_id"], ["__count"])
            )
            for stage, count in groups:
                raise UserError(
                    _(
                        "Stage '%(stage)s' cannot be deleted: %(count)s %(what)s "
                        "point to it. Archive it instead.",
                        stage=stage.name,
                        count=count,
                        what=what,
                    )
                )

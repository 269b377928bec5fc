import textwrap

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

from ..ladder import LadderError, dump_step, parse_ladder

NOTICE_MODEL = "ar.collection.notice"

LADDER_EXAMPLE = textwrap.dedent(
    """\
    version: 1
    code: my_ladder
    name: My ladder
    minimum_overdue: 0
    min_days_between_steps: 5
    quiet_weekdays: [sat, sun]
    steps:
      - code: first_notice
        day: 7
        stage: overdue
        actions:
          - email: {template: ar_collections.mail_template_first_notice}
    """
)


class ArDunningLadder(models.Model):
    """A dunning ladder: the steps an open invoice climbs, written in YAML.

    ``yaml_source`` is the single source of truth. ``name`` and ``code`` are read
    from it and the steps table is rebuilt from it on every save. A source that does
    not validate is refused, so the last valid version stays in force.
    """

    _name = "ar.dunning.ladder"
    _description = "Dunning ladder"
    _inherit = ["mail.thread"]
    _order = "company_id, sequence, id"

    name = fields.Char(compute="_compute_from_yaml", store=True, readonly=True)
    code = fields.Char(
        compute="_compute_from_yaml", store=True, readonly=True, index=True
    )
    sequence = fields.Integer(
        default=10,
        help="Ladders are tried in this order; the first whose 'applies_to' matches "
        "wins.",
    )
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    yaml_source = fields.Text(
        string="Ladder (YAML)", required=True, default=LADDER_EXAMPLE, tracking=True
    )
    applies_to_display = fields.Char(
        string="Applies to", compute="_compute_from_yaml", store=True, readonly=True
    )
    step_ids = fields.One2many(
        "ar.dunning.step", "ladder_id", string="Steps", readonly=True
    )
    step_count = fields.Integer(compute="_compute_step_count")
    problems = fields.Text(
        compute="_compute_problems",
        help="What is wrong with the YAML being edited; empty when it is valid.",
    )
    is_company_default = fields.Boolean(
        string="Company default", compute="_compute_is_company_default"
    )

    _sql_constraints = [
        (
            "code_company_unique",
            "UNIQUE(code, company_id)",
            "Two ladders of one company cannot share a code.",
        ),
    ]

    @api.depends("yaml_source")
    def _compute_from_yaml(self):
        for ladder in self:
            parsed = self._parse_or_none(ladder.yaml_source)
            if parsed is None:
                continue
            ladder.name = parsed.name
            ladder.code = parsed.code
            ladder.applies_to_display = self._describe_applies_to(parsed)

    @api.depends("step_ids")
    def _compute_step_count(self):
        for ladder in self:
            ladder.step_count = len(ladder.step_ids)

    @api.depends("yaml_source")
    def _compute_problems(self):
        for ladder in self:
            try:
                ladder._parse_strict(ladder.yaml_source or "")
            except LadderError as error:
                ladder.problems = "\n".join(str(problem) for problem in error.problems)
            else:
                ladder.problems = False

    @api.depends("company_id.ar_default_ladder_id")
    def _compute_is_company_default(self):
        for ladder in self:
            ladder.is_company_default = ladder.company_id.ar_default_ladder_id == ladder

    @api.constrains("yaml_source")
    def _check_yaml_source(self):
        for ladder in self:
            try:
                ladder._parse_strict(ladder.yaml_source or "")
            except LadderError as error:
                raise ValidationError(
                    _(
                        "The ladder cannot be saved; the last valid version stays in "
                        "force. Problems found:\n%(problems)s",
                        problems="\n".join(
                            "- " + str(problem) for problem in error.problems
                        ),
                    )
                ) from error

    @api.model_create_multi
    def create(self, vals_list):
        ladders = super().create(vals_list)
        ladders._sync_steps()
        ladders.company_id._ar_reset_collection_schedule()
        return ladders

    def write(self, vals):
        companies = self.company_id
        result = super().write(vals)
        if "yaml_source" in vals:
            self._sync_steps()
        if {"yaml_source", "active", "sequence", "company_id"} & set(vals):
            (companies | self.company_id)._ar_reset_collection_schedule()
        return result

    # Parsing --------------------------------------------------------------------------

    @api.model
    def _get_action_kinds(self):
        """The action kinds installed: those registered on ar.collection.action."""
        return self.env["ar.collection.action"]._ar_schemas()

    def _check_template_xmlid(self, xmlid):
        template = self.env.ref(xmlid, raise_if_not_found=False)
        if template is None:
            return _("no record with the XML id '%(xmlid)s'", xmlid=xmlid)
        if template._name != "mail.template":
            return _(
                "'%(xmlid)s' is a %(model)s, not a mail template",
                xmlid=xmlid,
                model=template._name,
            )
        if template.model != NOTICE_MODEL:
            return _(
                "template '%(xmlid)s' is on model %(model)s; ladder templates must "
                "be on "
                "%(expected)s",
                xmlid=xmlid,
                model=template.model,
                expected=NOTICE_MODEL,
            )
        return None

    def _parse_strict(self, source):
        """Parse and validate against the database: stages, templates, action kinds."""
        stages = (
            self.env["ar.collection.stage"].with_context(active_test=False).search([])
        )
        return parse_ladder(
            source,
            stages=set(stages.mapped("code")),
            action_kinds=self._get_action_kinds(),
            check_template=self._check_template_xmlid,
            kinds_installed=True,
        )

    @api.model
    def _parse_or_none(self, source):
        try:
            return self._parse_cached(source or "")
        except LadderError:
            return None

    @tools.ormcache("source")
    def _parse_cached(self, source):
        return parse_ladder(
            source, action_kinds=self._get_action_kinds(), kinds_installed=True
        )

    def _get_parsed(self):
        self.ensure_one()
        return self._parse_cached(self.yaml_source)

    @api.model
    def _describe_applies_to(self, parsed):
        if parsed.applies_to is None:
            return _("Fallback (any customer)")
        parts = []
        if parsed.applies_to.partner_tags:
            parts.append(
                _("tags: %s", ", ".join(sorted(parsed.applies_to.partner_tags)))
            )
        if parsed.applies_to.countries:
            parts.append(
                _("countries: %s", ", ".join(sorted(parsed.applies_to.countries)))
            )
        if parsed.applies_to.min_overdue is not None:
            parts.append(
                _(
                    "overdue at least %(amount)s",
                    amount=format(parsed.applies_to.min_overdue, "g"),
                )
            )
        return "; ".join(parts)

    def _sync_steps(self):
        """Rebuild the readable steps table from the YAML."""
        stages = self.env["ar.collection.stage"]._get_by_code()
        registry = self.env["ar.collection.action"]
        kinds = registry._ar_action_kinds()
        self.step_ids.unlink()
        vals_list = []
        for ladder in self:
            parsed = ladder._get_parsed()
            for index, step in enumerate(parsed.steps):
                vals_list.append(
                    {
                        "ladder_id": ladder.id,
                        "sequence": index,
                        "code": step.code,
                        "name": step.label,
                        "day": step.day,
                        "stage_id": stages[step.stage].id if step.stage else False,
                        "actions_display": "\n".join(
                            registry._ar_describe(action, kinds)
                            for action in step.actions
                        ),
                        "rule_snapshot": dump_step(step),
                    }
                )
        self.env["ar.dunning.step"].create(vals_list)

    # Actions --------------------------------------------------------------------------

    def action_validate(self):
        self.ensure_one()
        parsed = self._parse_strict(self.yaml_source or "")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("Ladder is valid"),
                "message": _(
                    "%(name)s: %(count)s steps, from day %(first)s to day %(last)s.",
                    name=parsed.name,
                    count=len(parsed.steps),
                    first=parsed.steps[0].day,
                    last=parsed.steps[-1].day,
                ),
                "sticky": False,
            },
        }

    def action_preview(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ar_collections.ar_dunning_preview_action"
        )
        action["context"] = {"default_ladder_id": self.id}
        return action

    def action_set_company_default(self):
        self.ensure_one()
        self.company_id.ar_default_ladder_id = self

    def action_run_now(self):
        """Queue the scheduled run now (it runs in the background, for every company,
        as the daily run does); the Preview is the synchronous dry run."""
        self.env["ar.collection.run"]._check_can_run()
        cron = self.env.ref("ar_collections.ir_cron_run_collections")
        cron.sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": _("Collections run queued"),
                "message": _(
                    "The collections run of every company starts in the background "
                    "within a minute; its steps appear on the invoices when it is "
                    "done. Use Preview to see what it will do."
                ),
                "sticky": False,
            },
        }

    # Public API -----------------------------------------------------------------------

    @api.model
    def run_collections(self, today=None, dry_run=False):
        """Run every active ladder of the current companies as of ``today``.

        :param today: a date (or ISO string); default: today in the user's timezone
        :param dry_run: when True nothing is changed and the result lists what would
            happen under ``proposals``
        :return: a dict of counts (see ``ar.collection.run._run``)
        """
        self.env["ar.collection.run"]._check_can_run()
        return self.env["ar.collection.run"]._run(today=today, dry_run=dry_run)

    @api.model
    def _cron_run_collections(self):
        companies = self.env["res.company"].search([])
        run = self.env["ar.collection.run"].with_context(
            allowed_company_ids=companies.ids
        )
        return run._run(today=None, dry_run=False)

    @api.model
    def _ar_ladders_for_moves(self, moves):
        """{move_id: the ladder that applies to the invoice, or an empty record}.

        The run's rule, for every caller (promises, pauses, jumps): the customer's
        own ladder, else the first active ladder of the invoice's company (by
        sequence) whose ``applies_to`` matches, else the company default, else its
        first ladder without ``applies_to``.
        """
        # Imported here: the rule lives with the run (``_RunJob.ladder_for``).
        from .ar_collection_run import _RunJob

        result = {}
        for company in moves.company_id:
            ladders = self.search(
                [("company_id", "=", company.id)], order="sequence, id"
            )
            company_moves = moves.filtered(lambda m, c=company: m.company_id == c)
            if not ladders:
                result.update(dict.fromkeys(company_moves.ids, ladders))
                continue
            job = _RunJob(
                self.env["ar.collection.run"], company, ladders, None, True, None
            )
            by_partner = {}
            for move in company_moves:
                partner = move.commercial_partner_id.with_company(company)
                if partner.id not in by_partner:
                    by_partner[partner.id] = job.ladder_for(partner)
                result[move.id] = by_partner[partner.id]
        return result

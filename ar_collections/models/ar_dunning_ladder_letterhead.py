from odoo import _, models

from ..ladder.errors import LadderError, Problem


class ArDunningLadder(models.Model):
    """Ladder check of ``letterhead: <law firm code>``: an unknown code is refused
    when the ladder is saved (the firm's consent is checked when the step runs)."""

    _inherit = "ar.dunning.ladder"

    def _parse_strict(self, source):
        ladder = super()._parse_strict(source)
        named = [
            (step_index, action_index, action)
            for step_index, step in enumerate(ladder.steps)
            for action_index, action in enumerate(step.actions)
            if action.params.get("letterhead")
        ]
        if not named:
            return ladder
        company = self.company_id[:1] or self.env.company
        firms = self.env["res.partner"]._ar_find_law_firms(
            {action.params["letterhead"] for _s, _a, action in named}, company
        )
        problems = [
            Problem(
                action.line,
                f"steps[{step_index}].actions[{action_index}].{action.kind}.letterhead",
                _(
                    "no law firm with the code '%(code)s' (a partner flagged as law "
                    "firm, of company %(company)s or of every company)",
                    code=action.params["letterhead"],
                    company=company.name,
                ),
            )
            for step_index, action_index, action in named
            if action.params["letterhead"] not in firms
        ]
        if problems:
            raise LadderError(problems)
        return ladder

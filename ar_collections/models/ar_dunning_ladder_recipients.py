from odoo import _, models

from ..ladder.errors import LadderError, Problem

PEOPLE_PARAMS = {"notify": "who", "activity": "assign", "legal": "assign"}
"""The action parameters that name people: {action kind: parameter}."""
PEOPLE_KEYWORDS = {
    "who": ("salesperson", "collector", "manager"),
    "assign": ("collector", "salesperson"),
}


def _names_group(param, value):
    """``notify: {who: module.group}`` names a group (as the run reads it)."""
    return param == "who" and "." in value and "@" not in value


class ArDunningLadder(models.Model):
    """Ladder check of the people a step names (``notify: {who: ...}``, the
    ``assign`` of activities and legal hand-overs): a login that is no active
    internal user, or an XML id that is no user group, is refused when the ladder
    is saved. A user archived later is the run's to handle: it falls back to the
    collector and says so in the note."""

    _inherit = "ar.dunning.ladder"

    def _parse_strict(self, source):
        ladder = super()._parse_strict(source)
        named = []  # (path, action, parameter, value) naming a user or a group
        for step_index, step in enumerate(ladder.steps):
            for action_index, action in enumerate(step.actions):
                param = PEOPLE_PARAMS.get(action.kind)
                value = action.params.get(param) if param else None
                if value and value not in PEOPLE_KEYWORDS[param]:
                    path = f"steps[{step_index}].actions[{action_index}]"
                    named.append(
                        (f"{path}.{action.kind}.{param}", action, param, value)
                    )
        if not named:
            return ladder
        logins = {
            value
            for _path, _action, param, value in named
            if not _names_group(param, value)
        }
        users = (
            self.env["res.users"]
            .sudo()
            .search([("login", "in", list(logins)), ("share", "=", False)])
        )
        known = set(users.mapped("login"))
        problems = []
        for path, action, param, value in named:
            if _names_group(param, value):
                group = self.env.ref(value, raise_if_not_found=False)
                if group is None or group._name != "res.groups":
                    problems.append(
                        Problem(
                            action.line,
                            path,
                            _(
                                "no user group with the XML id '%(xmlid)s' (a name "
                                "with a dot and no @ is read as a group)",
                                xmlid=value,
                            ),
                        )
                    )
            elif value not in known:
                problems.append(
                    Problem(
                        action.line,
                        path,
                        _(
                            "no active internal user with the login '%(login)s' "
                            "(or write one of: %(keywords)s)",
                            login=value,
                            keywords=", ".join(PEOPLE_KEYWORDS[param]),
                        ),
                    )
                )
        if problems:
            raise LadderError(problems)
        return ladder

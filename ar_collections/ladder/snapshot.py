"""A step as it was applied: the YAML snapshot stored on every event
(``dump_step``/``load_step``), the signature that keeps a step's identity across
renames (``step_signature``), and a short English description of an action."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping

import yaml

from .actions import ACTION_SCHEMAS, ActionSchema
from .model import Action, FrozenParams, Step

__all__ = ["describe_action", "dump_step", "load_step", "step_signature"]


@functools.lru_cache(maxsize=1024)
def dump_step(step: Step) -> str:
    """The step as written (code, day, stage, actions), as YAML: the snapshot of
    the rule stored on every event it produces. Steps are immutable, so a run
    dumps each step once, not once per invoice."""
    data: dict[str, object] = {"code": step.code, "day": step.day}
    if step.stage is not None:
        data["stage"] = step.stage
    actions = []
    for action in step.actions:
        names = action.params if action.written is None else action.written
        actions.append({action.kind: {name: action.params[name] for name in names}})
    data["actions"] = actions
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@functools.lru_cache(maxsize=1024)
def load_step(snapshot: str) -> Step:
    """The step back from its ``dump_step`` snapshot (parameters as written): what
    a retry of the step does, even when the ladder has changed since."""
    data = yaml.safe_load(snapshot) or {}
    actions = []
    for item in data.get("actions") or ():
        ((kind, params),) = item.items()
        actions.append(Action(kind, FrozenParams(params or {})))
    return Step(
        code=data["code"],
        day=data["day"],
        stage=data.get("stage"),
        actions=tuple(actions),
    )


@functools.lru_cache(maxsize=1024)
def step_signature(step: Step) -> str:
    """What a step does, without its code, day or stage: its actions' kinds and
    parameters as written (as in ``dump_step``, so that a step read back from its
    snapshot has the same signature). Two steps that send the same message have
    the same signature; a rename or a new day keeps it."""
    data = []
    for action in step.actions:
        names = action.params if action.written is None else action.written
        data.append(
            (action.kind, sorted((name, repr(action.params[name])) for name in names))
        )
    return hashlib.sha1(repr(data).encode(), usedforsecurity=False).hexdigest()[:20]


def describe_action(
    action: Action, schemas: Mapping[str, ActionSchema] | None = None
) -> str:
    """A short English text for an action (its schema's ``describe``), for tools
    outside Odoo; Odoo describes actions with its registrations' translatable
    texts."""
    schema = (ACTION_SCHEMAS if schemas is None else schemas).get(action.kind)
    if schema is not None and schema.describe is not None:
        return schema.describe(action.params)
    label = action.kind.replace("_", " ").capitalize()
    if not action.params:
        return label
    return f"{label}: " + ", ".join(
        f"{key}={value}" for key, value in action.params.items()
    )

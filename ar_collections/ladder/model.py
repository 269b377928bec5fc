"""The parsed ladder: plain frozen values (``Ladder``, ``Step``, ``Action``,
``AppliesTo``), safe to cache and share between runs and threads."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

__all__ = ["Action", "AppliesTo", "FrozenParams", "Ladder", "Step", "step_label"]


class FrozenParams(Mapping):
    """A read-only, hashable mapping (the parameters of an action)."""

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping | Iterable[tuple[str, object]] = ()):
        self._data = dict(data)
        self._hash = None

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __repr__(self) -> str:
        return f"FrozenParams({self._data!r})"

    def __reduce__(self):
        return (FrozenParams, (self._data,))


_NO_PARAMS = FrozenParams()


@dataclass(frozen=True)
class Action:
    """One action of a step. ``params`` holds what was written plus the defaults of
    the parameters not written; ``written`` names the parameters as written (None:
    all of ``params``), for ``dump_step``."""

    kind: str
    params: Mapping[str, object] = _NO_PARAMS
    line: int | None = None
    written: tuple[str, ...] | None = field(default=None, compare=False)

    def __post_init__(self):
        if not isinstance(self.params, FrozenParams):
            object.__setattr__(self, "params", FrozenParams(self.params))


@dataclass(frozen=True)
class Step:
    code: str
    day: int
    stage: str | None = None
    actions: tuple[Action, ...] = ()
    line: int | None = None
    # What people read (optional ``name:`` in the YAML); not part of the step's
    # identity, its snapshot or its signature.
    name: str | None = field(default=None, compare=False)

    def __post_init__(self):
        if not isinstance(self.actions, tuple):
            object.__setattr__(self, "actions", tuple(self.actions))

    @property
    def label(self) -> str:
        """The step's name, else one derived from its code ("first_notice" ->
        "First notice")."""
        return self.name or step_label(self.code)


def step_label(code: str) -> str:
    """A readable name for a step code: "final_demand" -> "Final demand"."""
    return str(code).replace("_", " ").strip().capitalize()


@dataclass(frozen=True)
class AppliesTo:
    """Which customers a ladder is for. An empty criterion is not checked."""

    partner_tags: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    _folded_tags: frozenset[str] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self):
        object.__setattr__(self, "partner_tags", frozenset(self.partner_tags))
        object.__setattr__(self, "countries", frozenset(self.countries))
        object.__setattr__(
            self, "_folded_tags", frozenset(_fold(tag) for tag in self.partner_tags)
        )

    def matches(self, tags: Iterable[str] | None, country_code: str | None) -> bool:
        """True when every criterion given matches: a tag in common (compared
        without case) and the country among the countries."""
        if self._folded_tags and not any(
            _fold(tag) in self._folded_tags for tag in (tags or ()) if tag
        ):
            return False
        return not self.countries or bool(
            country_code and country_code.strip().upper() in self.countries
        )


def _fold(tag: str) -> str:
    return str(tag).strip().casefold()


@dataclass(frozen=True)
class Ladder:
    version: int
    code: str
    name: str
    applies_to: AppliesTo | None = None
    minimum_overdue: float = 0.0
    min_days_between_steps: int = 0
    quiet_weekdays: frozenset[int] = frozenset()
    promise_grace_days: int = 0
    on_broken_promise: str | None = None
    # ``portal: {promise_max_days:}``: latest promise date on the portal, in days
    # from today.
    portal_promise_max_days: int = 30
    steps: tuple[Step, ...] = ()
    # Precomputed for the engine (not part of equality).
    _index: Mapping[str, int] = field(init=False, repr=False, compare=False, hash=False)
    _days: tuple[int, ...] = field(init=False, repr=False, compare=False, hash=False)
    _quiet_shift: tuple[int | None, ...] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self):
        set_ = object.__setattr__
        if not isinstance(self.steps, tuple):
            set_(self, "steps", tuple(self.steps))
        set_(self, "quiet_weekdays", frozenset(self.quiet_weekdays))
        index: dict[str, int] = {}
        for position, step in enumerate(self.steps):
            index.setdefault(step.code, position)
        set_(self, "_index", index)
        set_(self, "_days", tuple(step.day for step in self.steps))
        # For each weekday, how many days until the next day that is not quiet
        # (0 when it is not quiet; None when every day is quiet).
        shifts: list[int | None] = []
        for weekday in range(7):
            shift = next(
                (n for n in range(7) if (weekday + n) % 7 not in self.quiet_weekdays),
                None,
            )
            shifts.append(shift)
        set_(self, "_quiet_shift", tuple(shifts))

    @property
    def is_fallback(self) -> bool:
        """A ladder without ``applies_to`` is the company's fallback."""
        return self.applies_to is None

    @property
    def step_codes(self) -> tuple[str, ...]:
        return tuple(step.code for step in self.steps)

    def step_index(self, code: str) -> int | None:
        return self._index.get(code)

    def step(self, code: str) -> Step | None:
        index = self._index.get(code)
        return None if index is None else self.steps[index]

    def next_step(self, after_index: int | None) -> Step | None:
        """The step after index ``after_index`` (None: the first step)."""
        index = 0 if after_index is None else after_index + 1
        return self.steps[index] if 0 <= index < len(self.steps) else None

    def matches(self, tags: Iterable[str] | None, country_code: str | None) -> bool:
        return self.applies_to is None or self.applies_to.matches(tags, country_code)

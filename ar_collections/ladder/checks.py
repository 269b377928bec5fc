"""Typed checks that collect problems with their lines, for any YAML format.

``Checker`` is shared by the ladder parser and the write-off policy parser: every
``expect_*`` method returns the value when it is valid and ``None`` otherwise,
after recording a ``Problem`` that says where, what was expected and what was
found. Nothing stops at the first problem; call ``raise_if_problems()`` at the end.
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence

from .errors import DEFAULT_TITLE, LadderError, Problem, show_key, sort_problems
from .yaml_source import child_path, item_path, load_yaml

__all__ = ["MISSING", "Checker", "describe_value", "show_key"]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING = _Missing()
"""What ``mapping.get(key, MISSING)`` returns for a key that is not written."""


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_value(value: object) -> str:
    """How a found value is named in messages: ``a string 'seven'``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"an integer {value}"
    if isinstance(value, float):
        return f"a number {value}"
    if isinstance(value, str):
        return f"a string {_shorten(value)!r}" if value else "an empty string"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, datetime.datetime):
        return f"a date and time {value.isoformat()}"
    if isinstance(value, datetime.date):
        return f"a date {value.isoformat()}"
    if isinstance(value, bytes | bytearray):
        return "binary data"
    if isinstance(value, set | frozenset):
        return "a set"
    return f"a {type(value).__name__}"


class Checker:
    """Collects problems, each with the line of its path.

    ``line_of`` is what ``load_yaml`` returns (its own ``problems``, the duplicate
    keys, are taken over), or any ``path -> line`` function, or None.
    """

    def __init__(
        self,
        line_of: Callable[[str], int | None] | None = None,
        *,
        title: str = DEFAULT_TITLE,
    ):
        self.line_of = line_of
        self.title = title
        self.problems: list[Problem] = list(getattr(line_of, "problems", ()) or ())

    @classmethod
    def load(cls, source: str, *, title: str = DEFAULT_TITLE) -> tuple[object, Checker]:
        """``load_yaml`` then a checker for its data (raises ``LadderError``)."""
        data, line_of = load_yaml(source, title=title)
        return data, cls(line_of, title=title)

    # Paths and problems ------------------------------------------------------------

    child = staticmethod(child_path)
    item = staticmethod(item_path)

    def line(self, path: str) -> int | None:
        return self.line_of(path) if self.line_of is not None else None

    def text(self, path: str) -> str | None:
        """The unquoted text written at ``path`` when YAML did not read it as
        text (``NO``, ``2024``, ``yes``), else None."""
        text_of = getattr(self.line_of, "text", None)
        return text_of(path) if text_of is not None else None

    def add(self, path: str, message: str, *, line: int | None | _Missing = MISSING):
        """Record a problem at ``path`` (its line is looked up unless given)."""
        self.problems.append(
            Problem(self.line(path) if line is MISSING else line, path, message)
        )

    def sorted_problems(self) -> list[Problem]:
        return sort_problems(self.problems)

    def raise_if_problems(self) -> None:
        if self.problems:
            raise LadderError(self.sorted_problems(), title=self.title)

    def _wrong(self, path: str, expected: str, value: object) -> None:
        self.add(path, f"expected {expected}, got {describe_value(value)}")

    # Containers --------------------------------------------------------------------

    def get(self, mapping: Mapping, key: str, path: str, check):
        """``check(value, key path)`` of ``mapping[key]``; None if the key is absent."""
        value = mapping.get(key, MISSING)
        if value is MISSING:
            return None
        return check(value, child_path(path, key))

    def expect_version(self, value: object, path: str, supported: int) -> int | None:
        version = self.expect_int(value, path)
        if version is not None and version != supported:
            self.add(path, f"unsupported version {version}; expected {supported}")
            return None
        return version

    def expect_mapping(
        self,
        value: object,
        path: str,
        *,
        allowed: Sequence[str] | None = None,
        required: Sequence[str] = (),
        what: str = "a mapping",
    ) -> Mapping | None:
        """A mapping; with ``allowed``, unknown keys are reported; ``required``
        keys that are missing are reported at their own path."""
        if not isinstance(value, Mapping):
            self._wrong(path, what, value)
            return None
        if allowed is not None:
            self.unknown_keys(value, path, allowed)
        self.missing_keys(value, path, required)
        return value

    def unknown_keys(self, mapping: Mapping, path: str, allowed: Sequence[str]) -> bool:
        """Report every key not in ``allowed``; True when there was none."""
        ok = True
        for key in mapping:
            if isinstance(key, str) and key in allowed:
                continue
            ok = False
            if allowed:
                listed = ", ".join(allowed)
                message = f"unknown key {show_key(key)}; expected one of: {listed}"
                if isinstance(key, str):
                    close = difflib.get_close_matches(key, list(allowed), n=1)
                    if close:
                        message += f" (did you mean {close[0]!r}?)"
            else:
                message = f"unknown key {show_key(key)}; no keys are expected here"
            self.add(child_path(path, key), message)
        return ok

    def missing_keys(
        self, mapping: Mapping, path: str, required: Sequence[str]
    ) -> bool:
        ok = True
        for key in required:
            if key not in mapping:
                ok = False
                self.add(child_path(path, key), f"required key {key!r} is missing")
        return ok

    def expect_list(
        self, value: object, path: str, *, non_empty: bool = False, what: str = "a list"
    ) -> list | None:
        if not isinstance(value, list):
            self._wrong(path, what, value)
            return None
        if non_empty and not value:
            self.add(path, f"expected {what} with at least one item, got an empty list")
            return None
        return value

    # Scalars -----------------------------------------------------------------------

    def expect_int(
        self,
        value: object,
        path: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        """An integer (true/false and 7.0 are not), optionally within bounds."""
        if not isinstance(value, int) or isinstance(value, bool):
            self._wrong(path, "an integer", value)
            return None
        expected = _bounded("an integer", minimum, maximum)
        if (minimum is not None and value < minimum) or (
            maximum is not None and value > maximum
        ):
            self._wrong(path, expected, value)
            return None
        return value

    def expect_number(
        self,
        value: object,
        path: str,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        """An integer or decimal number (not true/false, not .nan or .inf)."""
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            self._wrong(path, "a number", value)
            return None
        expected = _bounded("a number", minimum, maximum)
        if (minimum is not None and value < minimum) or (
            maximum is not None and value > maximum
        ):
            self._wrong(path, expected, value)
            return None
        try:
            return float(value)
        except OverflowError:
            self.add(path, f"expected {expected}, got a number too large to use")
            return None

    def expect_bool(self, value: object, path: str) -> bool | None:
        if not isinstance(value, bool):
            self._wrong(path, "true or false", value)
            return None
        return value

    def expect_string(
        self,
        value: object,
        path: str,
        *,
        non_empty: bool = True,
        pattern: re.Pattern | str | None = None,
        what: str = "a string",
        plain_text_ok: bool = False,
    ) -> str | None:
        """Text; ``non_empty`` refuses blank text; ``pattern`` must fully match
        and ``what`` then says what it stands for in the message.

        ``plain_text_ok``: an unquoted scalar that YAML read as a boolean, number
        or date is taken as written (for names such as country codes: ``NO``)."""
        if not isinstance(value, str):
            written = self.text(path)
            if written is not None and plain_text_ok:
                value = written
            else:
                hint = (
                    f" (put it in quotes to make it text: '{written}')"
                    if written
                    else ""
                )
                self.add(path, f"expected {what}, got {describe_value(value)}{hint}")
                return None
        if non_empty and not value.strip():
            self._wrong(
                path, "a non-empty string" if what == "a string" else what, value
            )
            return None
        if pattern is not None and not re.fullmatch(pattern, value):
            self._wrong(path, what, value)
            return None
        return value

    def expect_choice(
        self, value: object, path: str, choices: Collection[str]
    ) -> str | None:
        listed = ", ".join(choices)
        if not isinstance(value, str) or value not in choices:
            self._wrong(path, f"one of: {listed}", value)
            return None
        return value


def _bounded(what: str, minimum, maximum) -> str:
    if minimum is not None and maximum is not None:
        return f"{what} from {minimum} to {maximum}"
    if minimum is not None:
        return f"{what} >= {minimum}"
    if maximum is not None:
        return f"{what} <= {maximum}"
    return what

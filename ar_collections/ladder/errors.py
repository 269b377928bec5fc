"""Problems found in a ladder (or any YAML document this package validates)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_TITLE = "The ladder is not valid"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document: where it is and what was expected.

    ``line`` is 1-based (None when unknown), ``path`` is the key path such as
    ``steps[2].day`` ("" for the document itself).
    """

    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.path or "(document)"
        if self.line is None:
            return f"{where}: {self.message}"
        return f"line {self.line}, {where}: {self.message}"


def show_key(key: object) -> str:
    """A key as written in messages: ``'dya'`` for text, ``5`` or ``null`` else."""
    if isinstance(key, str):
        return repr(key)
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems by line (those without a line last), keeping the order of ties."""
    return sorted(
        problems, key=lambda p: (p.line is None, p.line if p.line is not None else 0)
    )


class LadderError(ValueError):
    """A document that does not validate, with every problem found in it.

    ``title`` lets other YAML formats (the write-off policy) reuse the class with
    their own first line.
    """

    def __init__(self, problems: Iterable[Problem], title: str = DEFAULT_TITLE):
        self.problems: list[Problem] = list(problems)
        self.title = title
        super().__init__(self.problems, title)

    def __str__(self) -> str:
        lines = "\n- ".join(str(problem) for problem in self.problems)
        return f"{self.title}:\n- {lines}"

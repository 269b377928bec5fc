"""Reading YAML safely, with the line of every key path.

The data itself comes from ``yaml.safe_load`` only: plain YAML types, nothing is
ever constructed from a Python tag or executed. The node tree from
``yaml.compose`` (SafeLoader) is walked to know on which line every key and list
item stands, to find duplicate keys (which ``safe_load`` silently collapses) and
to refuse tags that safe loading cannot build, with their path.
"""

from __future__ import annotations

from collections.abc import Callable

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import LadderError, Problem, show_key, sort_problems

_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_TEXT_LIKE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("bool", "int", "float", "timestamp")
)
_SAFE_TAGS = frozenset(tag for tag in yaml.SafeLoader.yaml_constructors if tag)
_SHORT_TAG_PREFIX = "tag:yaml.org,2002:"

__all__ = ["SourceMap", "child_path", "item_path", "load_yaml", "parent_path"]


def child_path(path: str, key: object) -> str:
    """The path of ``key`` inside the mapping at ``path``."""
    return f"{path}.{key}" if path else str(key)


def item_path(path: str, index: int) -> str:
    """The path of item ``index`` of the list at ``path``."""
    return f"{path}[{index}]"


def parent_path(path: str) -> str:
    """The path one level up ("" is the document)."""
    if path.endswith("]"):
        cut = path.rfind("[")
        if cut > 0:
            return path[:cut]
    cut = path.rfind(".")
    return path[:cut] if cut > 0 else ""


class SourceMap:
    """Callable ``path -> line``; also carries the problems found while reading.

    A path that is not in the document (a missing key) gets the line of its
    nearest existing parent. ``problems`` holds what does not stop the data from
    being read but must still be reported (duplicate keys); the caller adds them
    to its own list (``Checker`` does this by itself).

    ``text(path)`` gives the text of an unquoted scalar that YAML read as
    something else than text (``NO`` is false in YAML 1.1, Norway in a country
    list), so that a checker can take it as written where only text makes sense.
    """

    def __init__(
        self,
        lines: dict[str, int] | None = None,
        problems=(),
        texts: dict[str, str] | None = None,
    ):
        self.lines: dict[str, int] = dict(lines or {})
        self.problems: list[Problem] = list(problems)
        self.texts: dict[str, str] = dict(texts or {})

    def text(self, path: str) -> str | None:
        return self.texts.get(path)

    def __call__(self, path: str) -> int | None:
        lines = self.lines
        while True:
            line = lines.get(path)
            if line is not None or not path:
                return line
            path = parent_path(path)


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _show_tag(tag: str) -> str:
    if tag.startswith(_SHORT_TAG_PREFIX):
        return "!!" + tag[len(_SHORT_TAG_PREFIX) :]
    return tag


def _key_value(node: Node) -> object:
    """The key as ``safe_load`` builds it (so paths match the data)."""
    if isinstance(node, ScalarNode):
        if node.tag == _STR_TAG:
            return node.value
        if node.tag in _SAFE_TAGS:
            try:
                return SafeConstructor().construct_object(node)
            except Exception:  # noqa: BLE001 - reported when the data is built
                return node.value
        return node.value
    return "?"


def _syntax_problem(error: Exception, source: str) -> Problem:
    line = None
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is not None:
        line = mark.line + 1
    elif isinstance(error, yaml.reader.ReaderError):
        line = source.count("\n", 0, error.position) + 1
    if isinstance(error, yaml.MarkedYAMLError):
        text = ", ".join(part for part in (error.context, error.problem) if part)
    elif isinstance(error, yaml.reader.ReaderError):
        char = error.character
        shown = f"#x{char:04x}" if isinstance(char, int) else repr(char)
        text = f"unacceptable character {shown}: special characters are not allowed"
    elif isinstance(error, RecursionError):
        text = "the document is nested too deeply"
    else:
        text = str(error) or type(error).__name__
    return Problem(line, "", f"could not parse the YAML: {text}")


class _Walker:
    """Lines of every path, duplicate-key problems and unsafe-tag problems."""

    def __init__(self):
        self.lines: dict[str, int] = {}
        self.duplicates: list[Problem] = []
        self.bad_tags: list[Problem] = []
        self.texts: dict[str, str] = {}
        self.stack: list[tuple[Node, str]] = []

    def walk(self, root: Node | None) -> _Walker:
        if root is None:
            return self
        self.lines[""] = _line(root)
        seen: set[int] = set()
        self.stack.append((root, ""))
        while self.stack:
            node, path = self.stack.pop()
            if isinstance(node, ScalarNode) and node.tag in _TEXT_LIKE_TAGS:
                self.texts[path] = node.value  # unquoted text YAML read otherwise
            if id(node) in seen:  # an alias: walked where its anchor stands
                continue
            seen.add(id(node))
            if not self._tag_ok(node, path):
                continue
            if isinstance(node, SequenceNode):
                for index, item in enumerate(node.value):
                    sub = item_path(path, index)
                    self.lines[sub] = _line(item)
                    self.stack.append((item, sub))
            elif isinstance(node, MappingNode):
                self._mapping(node, path)
        return self

    def _tag_ok(self, node: Node, path: str) -> bool:
        if node.tag in _SAFE_TAGS:
            return True
        self.bad_tags.append(
            Problem(
                _line(node),
                path,
                f"the tag {_show_tag(node.tag)} is not allowed: a ladder holds "
                "plain YAML data only (mappings, lists, text, numbers, true/false)",
            )
        )
        return False

    def _mapping(self, node: MappingNode, path: str) -> None:
        explicit: dict[object, int] = {}
        merged: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.append(value_node)
                continue
            key = _key_value(key_node)
            sub = child_path(path, key)
            if not self._tag_ok(key_node, path):  # a tagged key: the mapping's path
                continue
            try:
                first = explicit.get(key)
            except TypeError:  # an unhashable key: safe_load reports it
                continue
            if first is not None:
                self.duplicates.append(
                    Problem(
                        _line(key_node),
                        sub,
                        f"duplicate key {show_key(key)} (first written on line "
                        f"{first}); only the last one would count",
                    )
                )
            else:
                explicit[key] = _line(key_node)
            self.lines[sub] = _line(key_node)
            self.stack.append((value_node, sub))
        for value_node in merged:  # `<<: *anchor` keys, unless written here
            sources = (
                value_node.value
                if isinstance(value_node, SequenceNode)
                else [value_node]
            )
            for source in sources:
                if not isinstance(source, MappingNode):
                    continue  # safe_load reports it
                for key_node, _value in source.value:
                    self.lines.setdefault(
                        child_path(path, _key_value(key_node)), _line(key_node)
                    )


def _find_bad_scalar(root: Node) -> Problem | None:
    """The first scalar safe loading cannot build (e.g. ``2024-13-45``)."""
    constructor = SafeConstructor()
    stack: list[tuple[Node, str]] = [(root, "")]
    seen: set[int] = set()
    found: list[Problem] = []
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            if node.tag == _STR_TAG:
                continue
            try:
                constructor.construct_object(node)
            except Exception as error:  # noqa: BLE001 - any failure is the culprit
                detail = str(error) or type(error).__name__
                found.append(
                    Problem(
                        _line(node),
                        path,
                        f"could not read {node.value!r} as {_show_tag(node.tag)} "
                        f"({detail})",
                    )
                )
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, item_path(path, index)))
        elif isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                stack.append((key_node, path))
                stack.append((value_node, child_path(path, _key_value(key_node))))
    if not found:
        return None
    return min(found, key=lambda p: p.line or 0)


def load_yaml(
    source: str, *, title: str | None = None
) -> tuple[object, Callable[[str], int | None]]:
    """Parse ``source`` safely; return the data and a ``path -> line`` function.

    The function is a ``SourceMap``: its ``problems`` attribute lists duplicate
    keys, which the caller must report with its own problems. A document that
    cannot be read at all raises ``LadderError`` (``title`` names the kind of
    document in its message).
    """
    extra = {} if title is None else {"title": title}
    if source is None or source is False:
        source = ""
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError as error:
            raise LadderError(
                [Problem(None, "", f"could not read the text as UTF-8: {error}")],
                **extra,
            ) from None
    if not isinstance(source, str):
        raise LadderError(
            [Problem(None, "", f"expected YAML text, got {type(source).__name__}")],
            **extra,
        )
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except Exception as error:  # noqa: BLE001 - every parser failure is a problem
        raise LadderError([_syntax_problem(error, source)], **extra) from None
    walker = _Walker().walk(root)
    lines, bad_tags = walker.lines, walker.bad_tags
    duplicates = sorted(walker.duplicates, key=lambda problem: problem.line)
    if bad_tags:
        raise LadderError(sort_problems(bad_tags + duplicates), **extra)
    try:
        data = yaml.safe_load(source)
    except yaml.MarkedYAMLError as error:
        problems = sort_problems([*duplicates, _syntax_problem(error, source)])
        raise LadderError(problems, **extra) from None
    except Exception as error:  # noqa: BLE001 - e.g. ValueError for 2024-13-45
        problem = _find_bad_scalar(root) if root is not None else None
        if problem is None:
            problem = _syntax_problem(error, source)
        raise LadderError(sort_problems([*duplicates, problem]), **extra) from None
    return data, SourceMap(lines, duplicates, walker.texts)

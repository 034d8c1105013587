"""Finds text shown to users that is not marked for translation (tests/i18n/test_unmarked.py).

Templates: every text node and every visible attribute (title, placeholder, aria-label, alt,
a button's value) outside {% translate %}/{% blocktranslate %} that still has a word in it.
Python: string literals handed to the places users read them: messages, ValidationError,
add_error, a field's label/help_text/verbose_name/error_messages, a model field's verbose name,
choices' labels, and matplotlib's titles and labels. A literal is fine once it is the argument
of gettext, gettext_lazy, ngettext or pgettext (any of their usual aliases).

It is a floor: sentences built in Python and returned to a template are found by rendering
the pages in another language (test_pages_in_arabic.py), not here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from django.template.base import Lexer, TokenType

# Words that read the same in every language this project ships.
ALLOWED_WORDS = frozenset({
    "StimDiary", "mA", "Hz", "µs", "ms", "PDF", "CSV", "FHIR", "JSON",
    "nolegend",  # matplotlib's "_nolegend_" label
})
WORD = re.compile(r"[^\W\d_]{2,}")
VISIBLE_ATTRIBUTES = frozenset({"title", "placeholder", "aria-label", "alt", "aria-description"})
BUTTON_TYPES = frozenset({"submit", "button", "reset"})
HOLE = ""  # where a template tag or variable was: nothing, so a tag inside <tr …> stays HTML


@dataclass(frozen=True)
class Unmarked:
    where: str  # "path:line"
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text!r}"


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if w not in ALLOWED_WORDS]


# --- templates -------------------------------------------------------------------------------

SKIPPED_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans",
                  "comment": "endcomment", "verbatim": "endverbatim"}


def _template_text(source: str) -> list[tuple[int, str]]:
    """The template's text with each tag and variable replaced by a hole, and the inside of
    blocktranslate, comment and verbatim blocks dropped: [(line, text), ...]."""
    pieces: list[tuple[int, str]] = []
    closing: str | None = None
    for token in Lexer(source).tokenize():
        if closing:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            pieces.append((token.lineno, HOLE))
            continue
        if token.token_type == TokenType.TEXT:
            pieces.append((token.lineno, token.contents))
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            closing = SKIPPED_BLOCKS.get(name)
        pieces.append((token.lineno, HOLE))
    return pieces


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.hidden_depth = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden_depth += 1
        attributes = dict(attrs)
        for name, value in attrs:
            visible = name in VISIBLE_ATTRIBUTES or (
                name == "value" and tag in ("input", "button")
                and (attributes.get("type") or "").lower() in BUTTON_TYPES
            )
            if visible and value and words(value):
                self.found.append((self.getpos()[0], value))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self.hidden_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth and words(data):
            self.found.append((self.getpos()[0], data.strip()))


def unmarked_in_template(source: str, name: str = "template") -> list[Unmarked]:
    pieces = _template_text(source)
    text = "".join(piece for _line, piece in pieces)
    parser = _VisibleText()
    parser.feed(text)
    parser.close()
    return [Unmarked(f"{name}:{line}", found) for line, found in parser.found]


# --- Python ----------------------------------------------------------------------------------

TRANSLATING_CALLS = frozenset({
    "_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy",
    "npgettext", "npgettext_lazy", "gettext_noop", "_lazy", "_noop",
})
MESSAGE_CALLS = frozenset({"debug", "info", "success", "warning", "error"})
TEXT_KEYWORDS = frozenset({
    "label", "help_text", "verbose_name", "verbose_name_plural", "empty_label", "placeholder",
    "title", "xlabel", "ylabel", "description", "short_description",
})
PLOT_METHODS = frozenset({"set_title", "set_xlabel", "set_ylabel", "suptitle", "supxlabel"})


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _receiver(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id
    return ""


def _plain_text(node: ast.AST | None) -> str | None:
    """The text of an unmarked literal (a str constant or an f-string) with a word in it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if words(node.value) else None
    if isinstance(node, ast.JoinedStr):
        text = "".join(
            part.value if isinstance(part, ast.Constant) else "{}" for part in node.values
        )
        return text if words(text) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _plain_text(node.left)  # "text %s" % value
    if isinstance(node, ast.Call) and _callee(node) == "format" and isinstance(
        node.func, ast.Attribute
    ):
        return _plain_text(node.func.value)  # "text {}".format(value)
    return None


def _choice_labels(node: ast.AST) -> Iterator[ast.AST]:
    """The labels of a literal choices list: [("code", "Label"), ...]."""
    if isinstance(node, (ast.List, ast.Tuple)):
        for item in node.elts:
            if isinstance(item, ast.Tuple) and len(item.elts) == 2:
                yield item.elts[1]


def _is_choices_class(node: ast.ClassDef) -> bool:
    return any(
        (isinstance(base, ast.Attribute) and base.attr.endswith("Choices"))
        or (isinstance(base, ast.Name) and base.id.endswith("Choices"))
        for base in node.bases
    )


class _Sinks(ast.NodeVisitor):
    def __init__(self, name: str) -> None:
        self.name = name
        self.found: list[Unmarked] = []

    def flag(self, node: ast.AST | None) -> None:
        text = _plain_text(node)
        if text is not None and node is not None:
            self.found.append(Unmarked(f"{self.name}:{node.lineno}", text))

    def visit_Call(self, node: ast.Call) -> None:
        callee = _callee(node)
        if callee in TRANSLATING_CALLS:
            return  # what is inside is marked
        args = node.args
        if callee in MESSAGE_CALLS and _receiver(node) == "messages" and len(args) >= 2:
            self.flag(args[1])
        elif callee == "ValidationError" and args:
            self.flag(args[0])
        elif callee == "add_error" and len(args) >= 2:
            self.flag(args[1])
        elif callee in PLOT_METHODS and args:
            self.flag(args[0])
        elif callee == "text" and len(args) >= 3:
            self.flag(args[2])  # ax.text(x, y, "words")
        elif callee == "annotate" and args:
            self.flag(args[0])
        elif callee.endswith("Field") and args:
            self.flag(args[0])  # a model field's verbose name
        for keyword in node.keywords:
            if keyword.arg in TEXT_KEYWORDS:
                self.flag(keyword.value)
            elif keyword.arg == "choices":
                for label in _choice_labels(keyword.value):
                    self.flag(label)
            elif keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
                for value in keyword.value.values:
                    self.flag(value)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        if any(name.endswith("CHOICES") for name in names):
            for label in _choice_labels(node.value):
                self.flag(label)
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if _is_choices_class(node):
            for statement in node.body:
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple):
                    elements = statement.value.elts
                    if len(elements) >= 2:
                        self.flag(elements[-1])
        self.generic_visit(node)


def unmarked_in_python(source: str, name: str = "module") -> list[Unmarked]:
    visitor = _Sinks(name)
    visitor.visit(ast.parse(source))
    return visitor.found


def unmarked_in_paths(paths: list[str]) -> list[Unmarked]:
    """Every finding in the given files and folders (templates by .html/.txt, Python by .py;
    migrations and management commands left out)."""
    from pathlib import Path

    found: list[Unmarked] = []
    for given in paths:
        root = Path(given)
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if {"migrations", "management"} & set(path.parts):
                continue
            if path.suffix in {".html", ".txt"}:
                found += unmarked_in_template(path.read_text(), str(path))
            elif path.suffix == ".py":
                found += unmarked_in_python(path.read_text(), str(path))
    return found


if __name__ == "__main__":  # python -m tests.i18n.unmarked templates/diary diary
    import sys

    findings = unmarked_in_paths(sys.argv[1:])
    print("\n".join(str(item) for item in findings) or "nothing unmarked")
    sys.exit(1 if findings else 0)

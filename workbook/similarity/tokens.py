"""A solution cell as the normalised tokens a copier cannot change cheaply.

A copier renames variables and functions, rewrites comments and docstrings, adds blank lines,
changes strings and constants and reorders functions. So every name the cell itself binds
(assignment targets, arguments, functions, classes, attributes it stores) becomes ``V``,
strings become ``S``, numbers ``N``; comments, blank lines, line breaks inside brackets and
docstrings vanish. What stays is what the code *does*: keywords, operators, the structure
(``;`` ends a statement, ``{``/``}`` open and close a block) and the names of what it calls
(``torch``, ``.amax``, ``keepdim=``), which a copier cannot rename without changing the code.

Numbers are normalised too: changing an epsilon or a seed is a copier's cheapest edit, and the
constants of these exercises (dims 0, 1, -1) are dictated by the task, so they tell little.

The cell is cut into *units* that are fingerprinted separately: each top-level statement, and
each method of a class. Fingerprints never span two units, so the order of functions, methods
and top-level statements does not matter. Written on ``tokenize``/``ast`` (the standard
library) because the library that does this for many languages (copydetect, on pygments)
maps every name to one letter and has no notion of units; see the README.
"""

import ast
import builtins
import io
import keyword
import tokenize
from dataclasses import dataclass

NAME, NUMBER, STRING = "V", "N", "S"
END, OPEN, CLOSE = ";", "{", "}"
_BOUNDARY = (None, END, OPEN, CLOSE)
_DROPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class Token:
    text: str  # the normalised token
    line: int  # 1-based line of the cell it comes from


def without_magics(source: str) -> str:
    """IPython magics and shell escapes (``%time``, ``!pip``) blanked, keeping the line numbers."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def bound_names(tree: ast.AST) -> tuple[set[str], set[str]]:
    """The names a cell binds (variables, arguments, functions, classes) and the attributes it
    stores on ``self`` (``self.velocity = ...``): all of them are the author's to choose.
    Attributes stored on anything else (``p.grad = None``) are the API's."""
    names, attributes = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del)) \
                and isinstance(node.value, ast.Name) and node.value.id == "self":
            attributes.add(node.attr)
    return names - _BUILTINS, attributes


def unit_starts(tree: ast.Module) -> list[int]:
    """The first line of every unit: each top-level statement (its decorators included) and
    each statement of a class body, so that a class's methods are units of their own."""
    starts = []

    def first_line(node):
        return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])

    for node in tree.body:
        starts.append(first_line(node))
        if isinstance(node, ast.ClassDef):
            starts.extend(first_line(child) for child in node.body)
    return sorted(set(starts))


def _raw_tokens(source: str) -> list[tokenize.TokenInfo]:
    """Python's tokens of ``source``, as far as it can be tokenized (a broken cell still counts)."""
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            found.append(tok)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return found


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def normalise(source: str, tree: ast.Module | None = None) -> list[Token]:
    """The cell's normalised tokens, in order (docstrings and bare string statements dropped).
    ``tree``: the cell's syntax tree when the caller has it (magics blanked)."""
    source = without_magics(source)
    tree = tree if tree is not None else _parse(source)
    parsed = tree is not None
    names, attributes = bound_names(tree) if parsed else (set(), set())
    out: list[Token] = []
    depth = 0
    raw = [t for t in _raw_tokens(source) if t.type not in _DROPPED]
    for i, tok in enumerate(raw):
        kind, text, line = tok.type, tok.string, tok.start[0]
        previous = raw[i - 1].string if i else ""
        following = raw[i + 1].string if i + 1 < len(raw) else ""
        if kind == tokenize.NAME:
            if keyword.iskeyword(text) or text in ("match", "case", "_"):
                word = text
            elif previous == ".":
                word = NAME if text in attributes else text  # .amax: the API's; self.velocity: the author's
            elif depth and following == "=":
                word = text  # a keyword argument (dim=) or a parameter's default: the API's name
            elif text in names or (not parsed and text not in _BUILTINS):
                word = NAME
            else:
                word = text  # torch, len, a name from another cell: what the code calls
        elif kind == tokenize.NUMBER:
            word = NUMBER
        elif kind == tokenize.STRING:
            word = STRING
        elif kind == tokenize.NEWLINE or text == ";":
            word = END
        elif kind in (tokenize.INDENT, tokenize.DEDENT):
            word = OPEN if kind == tokenize.INDENT else CLOSE
            line = out[-1].line if out else line  # Python puts them on the next statement's line
        elif kind == tokenize.OP:
            depth += text in "([{"
            depth -= text in ")]}" and depth > 0
            word = text
        elif text.strip():
            word = text  # an error token ($, ?): kept as it is
        else:
            continue
        if word == END and out and out[-1].text == STRING:
            start = len(out) - 1
            while start > 0 and out[start - 1].text == STRING:
                start -= 1
            if start == 0 or out[start - 1].text in _BOUNDARY:
                del out[start:]  # a docstring, or a string that is a statement of its own
                continue
        if word == END and (not out or out[-1].text in _BOUNDARY):
            continue  # an empty statement
        out.append(Token(word, line))
    return out


def units(source: str) -> list[list[Token]]:
    """The cell's normalised tokens cut into units (each fingerprinted on its own); the whole
    cell is one unit when it does not parse."""
    tree = _parse(without_magics(source))
    tokens = normalise(source, tree)
    starts = unit_starts(tree) if tree is not None else []
    cut: list[list[Token]] = []
    boundary = 0
    for token in tokens:
        while boundary < len(starts) and token.line >= starts[boundary]:
            cut.append([])
            boundary += 1
        if not cut:
            cut.append([])
        cut[-1].append(token)
    for unit in cut:  # the blocks a unit closes at its end depend on what follows it, not on it
        while unit and unit[-1].text == CLOSE:
            unit.pop()
    return [unit for unit in cut if unit]

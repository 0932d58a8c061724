"""The code blocks of a Markdown note, and what their comments say a line prints.

Fences are CommonMark's (three or more backticks or tildes, closed by a fence of the same
character at least as long).  A fence may be indented by any number of spaces, as it is inside
list items; that indentation is removed from each line of the block, and no more (a tab after it
stays: the note's own mixed indentation is part of the block as written).

A block whose first non-blank line starts with ``>>>`` is a console transcript, whatever its fence
says (the note labels one ``bash``): its statements are what follows the ``>>>`` / ``...``
prompts, and the other lines are the output the transcript shows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_OPEN = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
_PYTHON_LANGUAGES = {"python", "python3", "py", "py3", "pycon", "python-repl"}
_PRINT_CALL = re.compile(r"\bprint\s*\(")
# Own-line comments that announce output ("# 출력: 3", "# output: 3", "# prints 3").
_OUTPUT_WORD = re.compile(r"^(?:출력|결과|output|prints?|=>|->)\s*:?\s*", re.IGNORECASE)


# ``Expectation.index`` of a block's whole output (a closing docstring that shows it).
WHOLE_OUTPUT = -1
WHOLE_OUTPUT_CODE = "(the whole output, shown in the block's closing docstring)"


@dataclass
class Expectation:
    """A comment's word on what a line prints."""
    line: int          # line in the note
    code: str          # the line of code (prompt removed)
    expected: str      # what the comment (or the transcript) says it prints
    index: int         # which print line (script) or statement (console) of the block, from 0; or WHOLE_OUTPUT


@dataclass
class Statement:
    """One statement of a console transcript: its lines after the prompts, and its shown output."""
    line: int
    code: list[str]
    shown: list[str] = field(default_factory=list)


@dataclass
class Block:
    number: int        # 1-based, in the note's order
    line: int          # line of the opening fence in the note
    language: str      # the fence's first word ('' when none)
    source: str        # the content, fence indentation removed

    @property
    def first_line(self) -> str:
        return next((ln.strip() for ln in self.source.splitlines() if ln.strip()), "")

    @property
    def console(self) -> bool:
        return self.first_line.startswith(">>>")

    @property
    def runnable(self) -> bool:
        return self.console or self.language.lower() in _PYTHON_LANGUAGES

    @property
    def kind(self) -> str:
        return "console" if self.console else ("script" if self.runnable else "not Python")

    def statements(self) -> list[Statement]:
        """A console transcript's statements (empty for a script)."""
        out: list[Statement] = []
        for n, raw in enumerate(self.source.splitlines()):
            text = raw.strip()
            if text.startswith(">>>"):
                out.append(Statement(self.line + 1 + n, [_after_prompt(raw, ">>>")]))
            elif text.startswith("...") and out and not out[-1].shown:
                out[-1].code.append(_after_prompt(raw, "..."))
            elif text and out:
                out[-1].shown.append(raw.rstrip())
        return out

    def console_input(self) -> str:
        """What an interactive session is fed: each statement, compound ones closed by a blank line."""
        lines = []
        for st in self.statements():
            lines.extend(st.code)
            if len(st.code) > 1 and st.code[-1].strip():
                lines.append("")
        return "\n".join(lines) + "\n"

    def print_lines(self) -> list[int]:
        """Note line numbers of a script's lines that call print(), in order."""
        return [self.line + 1 + n for n, code, _ in _code_and_comments(self.source) if _PRINT_CALL.search(code)]

    def expectations(self) -> list[Expectation]:
        return _console_expectations(self) if self.console else _script_expectations(self)


def _after_prompt(raw: str, prompt: str) -> str:
    rest = raw.strip()[len(prompt):]
    return rest[1:] if rest.startswith(" ") else rest


def blocks_of(text: str) -> list[Block]:
    """Every fenced code block of ``text``, in order; an unclosed fence runs to the end (CommonMark)."""
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = len(m.group("indent")), m.group("fence")
        close = re.compile(r"^ *%s{%d,}\s*$" % (re.escape(fence[0]), len(fence)))
        body = []
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            body.append(_dedent(lines[j], indent))
            j += 1
        info = m.group("info").strip()
        blocks.append(Block(len(blocks) + 1, i + 1, info.split()[0] if info else "", "\n".join(body) + "\n"))
        i = j + 1
    return blocks


def _dedent(line: str, indent: int) -> str:
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, indent):]


def _code_and_comments(source: str):
    """(index, code part, comment or None) of each line outside triple-quoted strings."""
    quote = None
    for n, line in enumerate(source.splitlines()):
        code, comment, quote_after = _split_line(line, quote)
        if quote is None:
            yield n, code, comment
        quote = quote_after


def _split_line(line: str, quote):
    """Split a line into code and its trailing comment, tracking strings; ``quote`` is an open triple quote."""
    i, code_end = 0, len(line)
    while i < len(line):
        if quote:
            if line.startswith(quote, i):
                i += len(quote)
                quote = None
                continue
            i += 2 if line[i] == "\\" else 1
            continue
        ch = line[i]
        if ch == "#":
            return line[:i], line[i + 1:].strip(), None
        if line.startswith('"""', i) or line.startswith("'''", i):
            quote = line[i:i + 3]
            i += 3
            continue
        if ch in "'\"":
            end = i + 1
            while end < len(line) and line[end] != ch:
                end += 2 if line[end] == "\\" else 1
            i = end + 1
            continue
        i += 1
    return line[:code_end], None, quote


def expected_text(comment: str) -> str:
    """The value a comment claims: 'prints "400"' -> 400, '출력: 3' -> 3."""
    text = _OUTPUT_WORD.sub("", comment.strip(), count=1).strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return text


def _script_expectations(block: Block) -> list[Expectation]:
    out: list[Expectation] = []
    prints = -1
    last_print = None
    for n, code, comment in _code_and_comments(block.source):
        if _PRINT_CALL.search(code):
            prints += 1
            last_print = (n, code.strip())
            if comment:
                out.append(Expectation(block.line + 1 + n, code.strip(), expected_text(comment), prints))
        elif comment and not code.strip() and last_print and _OUTPUT_WORD.match(comment):
            out.append(Expectation(block.line + 1 + last_print[0], last_print[1], expected_text(comment), prints))
    shown = _closing_docstring(block.source) if last_print else None
    if shown:
        out.append(Expectation(block.line + 1 + shown[0], WHOLE_OUTPUT_CODE, shown[1], WHOLE_OUTPUT))
    return out


def _closing_docstring(source: str):
    """(index of its first line, its text) when a printing block ends with a bare triple-quoted string.

    The note shows a run's output that way (``print(ref_count)`` ... then ``\"\"\"4 [{...}]\"\"\"``);
    a string that ends a block that prints nothing is an explanation, not output.
    """
    lines = source.rstrip().splitlines()
    if len(lines) < 3 or lines[-1].strip() not in ('"""', "'''"):
        return None
    quote = lines[-1].strip()
    start = max((n for n, ln in enumerate(lines[:-1]) if ln.strip() == quote), default=None)
    if start is None or start == 0 or lines[start] != quote or not any(ln.strip() for ln in lines[:start]):
        return None
    return start, "\n".join(lines[start + 1:-1])


def _console_expectations(block: Block) -> list[Expectation]:
    out: list[Expectation] = []
    for k, st in enumerate(block.statements()):
        first = st.code[0]
        code, comment, _ = _split_line(first, None)
        if st.shown:
            out.append(Expectation(st.line, first.strip(), "\n".join(s.strip() for s in st.shown), k))
        elif comment:
            out.append(Expectation(st.line, code.strip(), expected_text(comment), k))
    return out

"""Run one code block on one interpreter: a fresh scratch directory, a time limit, its own process group.

A script block is written to ``snippet.py`` in an empty working directory and run as
``python snippet.py`` (stdin empty), as a reader who pastes it into a file would.  A console
transcript is fed, statement by statement, to ``python -q -i`` on stdin: a real interactive session
(prompts and output interleave on one stream, so each statement's output can be told apart).
Whatever the block starts (multiprocessing children, pools) is in the block's process group and is
stopped with it on a timeout, on Ctrl-C, and when the block ends.
"""
from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.children import run_in_group
from bench.interpreters.discover import InterpreterError
from bench.snippets import backend
from bench.snippets.extract import Block

_GRACE_S = 2.0
# What a block's output may keep in the report (the JSON too): enough to read, not a log.
_KEEP_CHARS = 4000
_TRACEBACK = "Traceback (most recent call last):"


@dataclass(frozen=True)
class Column:
    """One interpreter configuration: ``python`` run with ``env`` (PYTHON_GIL for a free-threaded build)."""
    id: str
    python: str
    env: dict = field(default_factory=dict)
    # The interpreter, when the column came from discovery (for a venv with the ES client).
    interpreter: object = None


@dataclass
class Run:
    outcome: str              # ok | fail | timeout | needs-backend | not-python
    detail: str = ""          # the error's last line, the time limit, or why it was not run
    exit_code: int | None = None
    stdout: str = ""
    stderr: str = ""
    outputs: list = None      # console: what each statement printed
    note: str = ""            # e.g. a traceback on stderr of an exit-0 block (a child's)

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


def columns_for(interpreters) -> list[Column]:
    """The same columns as ``gilbench matrix``: a free-threaded build also runs with PYTHON_GIL=1."""
    from bench.interpreters.matrix import configurations

    return [Column(cid, i.path, dict(env), i) for i in interpreters for cid, env, _ in configurations(i)]


def _environment(column: Column, extra: dict) -> dict:
    # The block sees the user's environment minus Python's own knobs (ours must not leak in),
    # plus the column's; UTF-8 so that the note's Korean prints on any locale.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(column.env)
    env.update(extra)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _python_with_client(column: Column) -> str:
    """A networked block needs the official client: the column's gilbench venv has it."""
    if column.interpreter is None:
        return column.python
    from bench.interpreters.venvs import venv_for

    return str(venv_for(column.interpreter) / "bin" / "python")


def run_block(block: Block, column: Column, timeout: float, environ=None) -> Run:
    """Run ``block`` on ``column`` within ``timeout`` seconds; never raises for the block's own failure."""
    if not block.runnable:
        return Run("not-python", "a %s block" % (block.language or "plain"))
    environ = os.environ if environ is None else environ
    source, python, extra = block.source, column.python, {}
    if backend.needs_backend(source):
        url = backend.backend_url(environ)
        if url is None:
            return Run("needs-backend", backend.NEEDS_BACKEND)
        try:
            python = _python_with_client(column)
        except InterpreterError as exc:  # not the note's failure: the client could not be installed
            return Run("needs-backend", "%s is set, but the client is missing: %s" % (backend.ES_URL_ENV, exc))
        source, extra = backend.point_at_backend(source, url), {backend.ES_URL_ENV: url}
    with tempfile.TemporaryDirectory(prefix="gilbench-snippet-") as tmp:
        root = Path(tmp)
        work = root / "work"
        work.mkdir()
        if block.console:
            feed = root / "stdin.txt"
            feed.write_text(block.console_input(), encoding="utf-8")
            extra = dict(extra, PYTHON_BASIC_REPL="1")  # 3.13's new REPL falls back anyway without a tty
            cmd = [python, "-q", "-i"]
        else:
            feed = Path(os.devnull)
            (work / "snippet.py").write_text(source, encoding="utf-8")
            cmd = [python, "snippet.py"]
        out_path, err_path = root / "stdout.txt", root / "stderr.txt"
        with open(feed, "rb") as stdin, open(out_path, "wb") as out, open(err_path, "wb") as err:
            try:
                code = run_in_group(cmd, timeout, grace=_GRACE_S, cwd=str(work), env=_environment(column, extra),
                                    stdin=stdin, stdout=out, stderr=out if block.console else err)
            except subprocess.TimeoutExpired:
                code = None
        stdout = out_path.read_text(encoding="utf-8", errors="replace")
        stderr = err_path.read_text(encoding="utf-8", errors="replace")
    if code is None:
        return Run("timeout", "timed out after %g s" % timeout, None, _cut(stdout), _cut(stderr))
    if block.console:
        return _console_run(block, code, stdout)
    if code != 0:
        return Run("fail", error_line(stderr) or "exit status %d" % code, code, _cut(stdout), _cut(stderr))
    note = "stderr: " + error_line(stderr) if _TRACEBACK in stderr else ""
    return Run("ok", "", code, _cut(stdout), _cut(stderr), note=note)


def _console_run(block: Block, code: int, transcript: str) -> Run:
    outputs = statement_outputs(transcript, len(block.statements()))
    failed = [(st, out) for st, out in zip(block.statements(), outputs) if _TRACEBACK in out or _raised(out)]
    run = Run("ok", "", code, _cut(transcript), outputs=outputs)
    if failed:
        st, out = failed[0]
        run.outcome, run.detail = "fail", "line %d: %s" % (st.line, error_line(out))
    elif code != 0:
        run.outcome, run.detail = "fail", "exit status %d" % code
    return run


def statement_outputs(transcript: str, count: int) -> list[str]:
    """Split an interactive session's merged output at its ``>>>`` prompts: what each statement printed.

    The session writes ``>>> `` before reading each statement (``... `` for continuation lines), and
    flushes what a statement printed before the next prompt, so the text after the k-th ``>>> ``
    (less its ``... `` prompts) is the k-th statement's output.
    """
    pieces = transcript.split(">>> ")[1:]
    outputs = [re.sub(r"^(?:\.\.\. )+", "", p) for p in pieces]
    return (outputs + [""] * count)[:count]


def _raised(output: str) -> bool:
    # A SyntaxError in a session has no traceback header.
    return bool(re.search(r"^\w*(?:Error|Exception)\b.*$", output, re.MULTILINE))


def error_line(stderr: str) -> str:
    """The last line of the last traceback (or of stderr): the error as Python states it."""
    text = stderr[stderr.rfind(_TRACEBACK):] if _TRACEBACK in stderr else stderr
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def _cut(text: str) -> str:
    return text if len(text) <= _KEEP_CHARS else text[:_KEEP_CHARS] + "\n[... %d more characters]" % (
        len(text) - _KEEP_CHARS)

"""Run one code block on one interpreter: a fresh scratch directory, a time limit, under the keeper.

A script block is written to ``snippet.py`` in an empty working directory and run as
``python snippet.py`` (stdin empty), as a reader who pastes it into a file would.  A console
transcript is fed, statement by statement, to ``python -q -i`` on stdin: a real interactive session
(prompts and output interleave on one stream, so each statement's output can be told apart).
It runs under the keeper (``bench.children.run_in_group``): whatever the block starts
(multiprocessing children, pools, a child that called ``setsid()`` too) is in its process tree and
is stopped with it on a timeout, on Ctrl-C, and when the block ends.

Its output comes through pipes that a thread of ours reads as it is written (a block that prints
without end must cost neither our memory nor the disk): the first ``_READ_BYTES`` are kept, and the
last ``_TAIL_BYTES`` (where the traceback is), the rest only counted ("output cut at 4 MiB"); past
``max_output`` bytes (64 MiB) the pipe is closed, so that the block's next write fails and it stops:
outcome "fail", "output over 64 MiB: stopped".
"""
from __future__ import annotations

import os
import re
import select
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bench.children import run_in_group
from bench.interpreters.discover import InterpreterError
from bench.snippets import backend
from bench.snippets.extract import Block

_GRACE_S = 2.0
# What a block's output may keep in the report (the JSON too): enough to read, not a log.
_KEEP_CHARS = 4000
_MIB = 1 << 20
# What is kept of a stream's start, and of its end (the error is there); the rest is only counted.
_READ_BYTES = 4 * _MIB
_TAIL_BYTES = 64 * 1024
# A block that writes more than this on one stream is stopped: no note's block prints 64 MiB.
MAX_OUTPUT_BYTES = 64 * _MIB
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


def run_block(block: Block, column: Column, timeout: float, environ=None, max_output: int = MAX_OUTPUT_BYTES) -> Run:
    """Run ``block`` on ``column`` within ``timeout`` seconds, stopped when it writes more than
    ``max_output`` bytes on a stream; never raises for the block's own failure."""
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
        code, out, err = _run_captured(cmd, timeout, str(work), _environment(column, extra), feed, block.console,
                                       max_output)
    return _result(block, code, out, err, timeout, max_output)


def _result(block: Block, code, out, err, timeout: float, max_output: int) -> Run:
    stdout, stderr, cut = out.text(), err.text() if err else "", _cut_note(out, err)
    shown = (_shown(out, stdout), _shown(err, stderr))
    if code is None:
        return Run("timeout", "timed out after %g s" % timeout, None, *shown, note=cut)
    if out.over or (err is not None and err.over):
        return Run("fail", "output over %s: stopped" % _mib(max_output), code, *shown, note=cut)
    if block.console:
        run = _console_run(block, code, stdout)
        run.note = cut
        return run
    if code != 0:
        return Run("fail", error_line(stderr) or "exit status %d" % code, code, *shown, note=cut)
    note = "stderr: " + error_line(stderr) if _TRACEBACK in stderr else ""
    return Run("ok", "", code, *shown, note="; ".join(filter(None, [note, cut])))


def _run_captured(cmd, timeout, cwd, env, feed, merged, max_output):
    """(exit status or None on timeout, stdout's _Capture, stderr's or None when ``merged`` into stdout)."""
    read_bytes = min(_READ_BYTES, max_output)
    captures, ends = [], []
    try:
        for _ in range(1 if merged else 2):
            r, w = os.pipe()
            ends.append(w)
            captures.append(_Capture(r, read_bytes, max_output))
            captures[-1].start()
        with open(feed, "rb") as stdin:
            try:
                code = run_in_group(cmd, timeout, grace=_GRACE_S, cwd=cwd, env=env, stdin=stdin, stdout=ends[0],
                                    stderr=ends[-1])
            except subprocess.TimeoutExpired:
                code = None
    finally:
        for w in ends:
            os.close(w)
        for c in captures:
            c.finish()
    return code, captures[0], None if merged else captures[1]


class _Capture(threading.Thread):
    """Reads one output pipe to its end: keeps the head and the tail, counts the rest, and closes
    the pipe once more than ``stop_at`` bytes came (``over``)."""

    def __init__(self, fd, keep, stop_at):
        super().__init__(name="snippet-output", daemon=True)
        self._fd, self.keep, self._stop_at = fd, keep, stop_at
        self.head, self.tail, self.total, self.over = bytearray(), b"", 0, False
        self._done = threading.Event()

    def run(self):
        try:
            while not self._done.is_set() or select.select([self._fd], [], [], 0)[0]:
                if not select.select([self._fd], [], [], 0.1)[0]:
                    continue
                data = os.read(self._fd, 1 << 16)
                if not data:
                    return
                self._take(data)
                if self.total > self._stop_at:
                    self.over = True
                    return
        finally:
            os.close(self._fd)  # a write after this fails: past stop_at, that stops the block

    def _take(self, data):
        self.total += len(data)
        room = self.keep - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        if data:
            self.tail = (self.tail + data)[-_TAIL_BYTES:]

    def finish(self):
        """Once the block's group is gone: what is in the pipe is read, then the thread ends (even if
        a process outside the group still holds the pipe open)."""
        self._done.set()
        self.join()

    def text(self) -> str:
        head = self.head.decode("utf-8", errors="replace")
        if self.total <= len(self.head):
            return head
        cut = self.total - len(self.head) - len(self.tail)
        marker = "\n[... output cut at %s: %d more bytes not kept ...]\n" % (_mib(self.keep), cut) if cut else ""
        return head + marker + self.tail.decode("utf-8", errors="replace")


def _shown(capture, text: str) -> str:
    """What the report keeps of a stream: its start, and how much was written when it was cut."""
    if capture is None or capture.total <= len(capture.head):
        return _cut(text)
    return text[:_KEEP_CHARS] + "\n[... output cut: %s written, the first %s read]" % (
        _mib(capture.total), _mib(capture.keep))


def _cut_note(*captures) -> str:
    cut = [c for c in captures if c is not None and c.total > len(c.head)]
    return "; ".join("output cut at %s (%s written)" % (_mib(c.keep), _mib(c.total)) for c in cut)


def _mib(n: int) -> str:
    return "%g MiB" % round(n / _MIB, 1) if n >= _MIB else "%d bytes" % n


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

"""`gilbench snippets NOTE.md`: every code block of a Markdown note, run as written on each interpreter."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.progress import fail as _fail, usage as _usage

_DEFAULT_TIMEOUT_S = 30.0


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "snippets", help="run every Python code block of a Markdown note on each interpreter and report",
        description="Run every Python code block of NOTE (fenced, indented ones too; >>> transcripts as "
        "interactive sessions) on each interpreter, each in a fresh scratch directory with a time limit, "
        "and report which run as written, which fail (with the error), and what the note's comments say "
        "a line prints against what it printed. Blocks that talk to Elasticsearch run only when ES_URL "
        "names the I/O backend. Of a block's output the first 4 MiB and the last 64 KiB per stream are kept (the "
        "report says where it was cut); a block that writes more than 64 MiB on a stream is stopped.")
    p.add_argument("note", metavar="NOTE.md", help="the note (Markdown); it is read, never changed")
    p.add_argument("--pythons", metavar="ID,...", help="interpreter ids or paths, as for matrix (default: all found)")
    p.add_argument("--timeout", metavar="S", type=float, default=_DEFAULT_TIMEOUT_S,
                   help="time limit per block and interpreter, seconds (default: %(default)g)")
    p.add_argument("--format", choices=("md", "json"), default="md", help="md: a table per block (default); json")
    p.add_argument("--json", action="store_true", help="the same as --format json")
    p.set_defaults(func=_cmd_snippets)
    return p


def _cmd_snippets(args) -> int:
    from bench.interpreters import discover
    from bench.snippets.execute import columns_for
    from bench.snippets.render import render
    from bench.snippets.runner import run_note

    note = Path(args.note)
    if not note.is_file():
        return _usage("%s: no such file" % args.note)
    if not args.timeout > 0:
        return _usage("--timeout must be a positive number of seconds, not %g" % args.timeout)
    try:
        note.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return _fail("%s: cannot read it as UTF-8 text (%s)" % (args.note, exc))
    names = [p.strip() for p in args.pythons.split(",") if p.strip()] if args.pythons is not None else None
    if names == []:  # as `gilbench matrix` says it: "no interpreter found" would not be true
        return _usage("--pythons %r names no interpreter: give ids or paths, e.g. --pythons 3.12,3.13t" % args.pythons)
    try:
        chosen = discover.resolve(names) if names else discover.discover()
    except discover.InterpreterError as exc:
        return _usage(exc)
    if not chosen:
        return _fail("no interpreter found (see gilbench pythons)")
    result = run_note(note, columns_for(chosen), args.timeout)
    sys.stdout.write(render(result, "json" if args.json else args.format))
    return 0

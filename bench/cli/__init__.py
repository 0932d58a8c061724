"""The ``gilbench`` command.  Runs in measured interpreters too: Python 3.9-compatible."""
import argparse
import datetime
import importlib
import json
import os
import pkgutil
import sys

import demos
from bench import ledger
from bench.progress import progress


def _fail(message):
    progress("error: %s" % message)
    return 2


def _cmd_list(args):
    rows = [{"id": c.id, "chapter": c.chapter, "section": c.section, "claim": c.claim, "phrase": c.phrase,
             "note_figure": c.note_figure, "metrics": list(c.metrics())} for c in ledger.CLAIMS]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    from tabulate import tabulate

    print(tabulate([[r["id"], r["chapter"], r["claim"], r["phrase"]] for r in rows],
                   ["id", "chapter", "claim", "the note's words"], tablefmt="simple", maxcolwidths=[None, None, 70, 30]))
    return 0


def _demo_names():
    return sorted(m.name for m in pkgutil.iter_modules(demos.__path__) if not m.name.startswith("_"))


def _cmd_demo(args):
    names = _demo_names()
    if args.name not in names:
        return _fail("unknown demo %r (demos: %s)" % (args.name, ", ".join(names)))
    importlib.import_module("demos." + args.name).main()
    return 0


def _mode(args):
    return "fast" if args.fast else "rigorous" if args.rigorous else "default"


def _out_dir(args):
    return args.out or os.path.join("results", datetime.datetime.now().strftime("%Y%m%d-%H%M%S"))


def _add_mode_args(parser):
    speed = parser.add_mutually_exclusive_group()
    speed.add_argument("--fast", action="store_true", help="fewer trials and pyperf processes")
    speed.add_argument("--rigorous", action="store_true", help="more trials and pyperf's --rigorous")


def _cmd_run(args):
    from bench.harness import runner, selection

    try:
        selected = selection.select(args.only)
    except selection.SelectionError as exc:
        return _fail(exc)
    folder, errors = runner.run(selected, _out_dir(args), mode=_mode(args), ident=args.id)
    print(folder)
    if errors:
        return _fail("%d workload(s) failed: %s; results of the others are in %s"
                     % (len(errors), ", ".join(sorted(errors)), folder))
    return 0


def _cmd_report(args):
    from bench.judge.load import ResultsError
    from bench.publish import report

    chapters = set(args.chapters.split(",")) if args.chapters else None
    try:
        text = report.render(args.results, args.format, chapters)
    except ResultsError as exc:
        return _fail(exc)
    sys.stdout.write(text)
    return 0


def _cmd_matrix(args):
    from pathlib import Path

    from bench.harness import selection
    from bench.interpreters import discover, matrix
    from bench.atomic import write_text_atomic
    from bench.judge.load import ResultsError
    from bench.publish import report

    try:
        if args.only:
            selection.select(args.only)
        if args.pythons:
            chosen = discover.resolve([p for p in args.pythons.split(",") if p])
        else:
            chosen = discover.discover()
            if not args.no_build and not any(i.free_threaded for i in chosen):
                chosen = matrix.with_free_threaded_twin(chosen)
    except (discover.InterpreterError, ValueError) as exc:
        return _fail(exc)
    out = Path(_out_dir(args))
    out.mkdir(parents=True, exist_ok=True)
    outcomes = matrix.run_matrix(chosen, out, _mode(args), args.only)
    print(matrix.summary(outcomes), file=sys.stderr)
    try:
        text = report.render(str(out))
    except ResultsError as exc:
        return _fail(exc)
    # Atomic: a crash while writing must not leave a half report that looks like a whole one.
    write_text_atomic(out / "report.md", text)
    sys.stdout.write(text)
    progress("report written to %s" % (out / "report.md"))
    failed = [o.id for o in outcomes if not o.ok]
    if failed:
        return _fail("%d of %d configurations failed: %s" % (len(failed), len(outcomes), ", ".join(failed)))
    return 0


def _parser():
    parser = argparse.ArgumentParser(prog="gilbench", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("list", help="every claim of the note: id, chapter, the note's words")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("demo", help="run one demo, narrated (same as python -m demos.NAME)")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("run", help="observe and benchmark on the running interpreter")
    _add_mode_args(p)
    p.add_argument("--only", metavar="SELECTION",
                   help="comma-separated chapters (%s) or workload names" % ", ".join(ledger.CHAPTERS))
    p.add_argument("--out", metavar="DIR", help="results folder (default: results/<timestamp>)")
    p.add_argument("--id", help="interpreter id to file results under (default: version, t, -gil)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("report", help="judge every claim from a results folder and print the table")
    p.add_argument("results", metavar="DIR")
    p.add_argument("--format", choices=("md", "json"), default="md")
    p.add_argument("--chapters", help="only these chapters (comma-separated)")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("matrix", help="run the suite on every interpreter (one venv each) and report")
    p.add_argument("--pythons", metavar="ID,...", help="interpreter ids or paths (default: all found)")
    _add_mode_args(p)
    p.add_argument("--only", metavar="SELECTION", help="as for run")
    p.add_argument("--out", metavar="DIR", help="results folder (default: results/<timestamp>)")
    p.add_argument("--no-build", action="store_true",
                   help="do not build a free-threaded twin when none is found")
    p.set_defaults(func=_cmd_matrix)

    try:
        from bench.cli import pythons
    except ImportError:  # the interpreter tools are optional inside measured venvs
        pythons = None
    if pythons is not None:
        pythons.register(sub)
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return _fail("interrupted")


if __name__ == "__main__":
    sys.exit(main())

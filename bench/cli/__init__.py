"""gilbench: the study note's claims on memory, GC, why Python is slow, the GIL and free-threading, multiprocessing and I/O, measured."""
import argparse
import json
import sys

from bench.cli import runs
from bench.guard import jobcontrol, signals
from bench.progress import fail as _fail, ledger_problem, progress, usage as _usage


# Whatever imports the ledger (bench.ledger, bench.harness.command, the subcommands' modules) is
# imported inside the functions, once main() has run ledger_problem(): the ledger checks itself
# when imported, and a malformed entry must end gilbench with one line, not a traceback.


def _check_rows(claim):
    """Each check a claim judges, with its role, as the report shows its words (``str()``)."""
    roles = (("given", claim.given), ("check", claim.checks), ("unless", claim.unless))
    return [{"metric": c.metric, "role": role, "prediction": str(c.prediction), "when": str(c.when),
             "optional": c.optional} for role, checks in roles for c in checks]


def _claim_row(claim):
    from bench import ledger

    workloads = ledger.workloads_of(claim)
    return {"id": claim.id, "chapter": claim.chapter, "section": claim.section, "claim": claim.claim,
            "phrase": claim.phrase, "note_figure": claim.note_figure, "applies": str(claim.applies),
            "scope": claim.scope, "workloads": [w.name for w in workloads],
            "demos": [w.demo for w in workloads if w.demo], "scripts": [w.script for w in workloads if w.script],
            "metrics": _check_rows(claim), "context": list(claim.context),
            "headline": {"metric": claim.headline.metric, "unit": claim.headline.unit,
                         "reading": claim.headline.reading} if claim.headline else None}


def _cmd_list(args):
    from bench import ledger
    from bench.harness.results_format import ledger_fingerprint

    rows = [_claim_row(c) for c in ledger.CLAIMS]
    if args.json:
        # One fingerprint for the whole ledger: runs are merged only when theirs match.
        print(json.dumps({"fingerprint": ledger_fingerprint(), "claims": rows}, indent=2, ensure_ascii=False))
        return 0
    from tabulate import tabulate

    print(tabulate([[r["id"], r["chapter"], r["claim"], r["phrase"]] for r in rows],
                   ["id", "chapter", "claim", "the note's words"], tablefmt="simple", maxcolwidths=[None, None, 70, 30]))
    return 0


def _cmd_run(args):
    """The run itself is ``python -m bench.harness`` under a keeper: whatever ends this command
    (SIGKILL included), nothing the run started outlives it."""
    import os

    from bench.children import run_in_group
    from bench.guard import folders
    from bench.harness import command, host, selection

    try:
        selection.select(args.only)
    except selection.SelectionError as exc:
        return _usage(exc)
    problem = command.empty_out(args) or (args.id is not None and folders.id_problem(args.id)) or (
        args.host is not None and host.label_problem(args.host))
    if problem:
        return _usage(problem)
    args.out = command.out_dir_of(args)  # fixed once, so that the hint below names the folder the run wrote
    env = dict(os.environ, **{signals.CALLER_SPEAKS_ENV: str(os.getpid())})
    status = run_in_group([sys.executable, "-m", "bench.harness"] + command.harness_argv(args), None, env=env)
    if status == 0:
        for line in _busy_machine_lines(args.out):
            progress(line)
        progress("next: gilbench report %s" % args.out)
    elif status > 128:  # the run was signalled from outside (not through us): it said nothing, we do
        _fail("the run was ended by %s (exit %d); it wrote no result for this run into %s"
              % (signals.name(status - 128), status, args.out))
    return status


def _busy_machine_lines(out):
    """Said on the spot, after `run`: a column whose machine was too busy for the parallel claims (issue 18)."""
    from bench.judge.evaluate import machine_note
    from bench.judge.load import ResultsError, load

    try:
        results = load(out)
    except ResultsError:
        return []  # the report will say what is wrong with the folder
    return ["%s: %s" % (r.id, note) for r in results for note in [machine_note(r.metrics)] if note]


def _names(text):
    """The items of a comma-separated option ("a, b," is a and b), None when not given."""
    return {c.strip() for c in text.split(",") if c.strip()} if text else None


def _report_selection(args):
    """(chapters, claim ids) of ``report``, or the one line that refuses them."""
    from bench import ledger

    chapters, claims = _names(args.chapters), _names(args.claims)
    if chapters and claims:
        return None, None, "--chapters and --claims: give one of them (a claim id names its chapter)"
    if chapters and not chapters <= set(ledger.CHAPTERS):
        return None, None, "unknown chapter(s) %s (chapters: %s)" % (
            ", ".join(sorted(chapters - set(ledger.CHAPTERS))), ", ".join(ledger.CHAPTERS))
    ids = [c.id for c in ledger.CLAIMS]
    if claims and not claims <= set(ids):
        return None, None, "unknown claim id(s) %s (claim ids: %s; `gilbench list` shows them)" % (
            ", ".join(sorted(claims - set(ids))), ", ".join(ids))
    return chapters, claims, None


def _relabels(items):
    """({folder: label} of ``--relabel DIR=LABEL``, None) or (None, the one line that refuses one)."""
    from bench.harness import host

    labels = {}
    for item in items or ():
        folder, sep, label = item.rpartition("=")
        problem = "--relabel %r: give DIR=LABEL" % item if not sep or not folder else host.label_problem(label)
        if problem:
            return None, problem
        labels[folder] = label
    return labels, None


def _io_settings():
    """The I/O settings every column will read (GILBENCH_IO_SERVICE_MS, GILBENCH_IO_TIMEOUT_S), checked once;
    ValueError with the setting's one line."""
    from services import backend, local_services

    try:
        backend.request_timeout_s()
        local_services.service_ms()
    except backend.ConfigError as exc:
        raise ValueError(str(exc))


def _cmd_report(args):
    from bench.judge.load import ResultsError
    from bench.publish import report

    chapters, claims, problem = _report_selection(args)
    if problem:
        return _usage(problem)
    if args.json:
        args.format = "json"
    if args.charts_dir and args.format != "html":
        return _usage("--charts-dir goes with --format html")
    try:
        args.results = runs.report_folders(args.results)
    except ValueError as exc:
        return _usage(exc)
    labels, problem = _relabels(args.relabel)
    if problem:
        return _usage(problem)
    try:  # a label names its folder as the results do (docs/results: its raw/)
        labels = {runs.resolve(folder): label for folder, label in labels.items()}
    except ValueError as exc:
        return _usage(exc)
    try:
        if args.format == "html":
            from bench.publish import html

            text, skipped = report.page(report.report_dict(args.results, chapters, claims, labels), args.charts_dir)
            for line in html.skipped_lines(skipped):
                progress(line)
        else:
            text = report.render(args.results, args.format, chapters, why=args.why, claims=claims, labels=labels)
    except ResultsError as exc:
        return _fail(exc)
    sys.stdout.write(text)
    return 0


def _matrix_out(args):
    """The results folder of a matrix: --out, or with --resume and no --out the newest under results/."""
    from pathlib import Path

    from bench.harness.command import empty_out, out_dir_of

    problem = empty_out(args)
    if problem:
        raise ValueError(problem)
    if args.out or not args.resume:
        out = Path(out_dir_of(args))
    else:
        earlier = runs.timestamped()
        if not earlier:
            raise ValueError("--resume: no earlier run under results/ (a folder named like 20261201-081500); "
                             "name its folder with --out")
        out = earlier[-1]
        progress("resuming %s (the newest run under results/)" % out)
    from bench.guard import folders

    problem = folders.out_problem(out)
    if problem:
        raise ValueError(problem)
    return out


def _resume_hint(args, out):
    """The command that measures again only what failed: this run's own mode, selection and interpreters."""
    import shlex

    words = ["gilbench", "matrix", "--resume", "--out", str(out)]
    words += ["--" + m for m in ("fast", "rigorous") if getattr(args, m)]
    for flag, value in (("--only", args.only), ("--pythons", args.pythons)):
        if value:
            words += [flag, value]
    words += ["--no-build"] if args.no_build else []
    return " ".join(shlex.quote(w) for w in words)


def _chosen_interpreters(args):
    from bench.interpreters import discover, matrix

    if args.pythons is not None:
        names = [p.strip() for p in args.pythons.split(",") if p.strip()]
        if not names:
            raise ValueError("--pythons %r names no interpreter: give ids or paths, e.g. --pythons 3.12,3.13t"
                             % args.pythons)
        return discover.resolve(names)
    chosen = discover.discover()
    if not args.no_build and not matrix.twin_pairs(chosen):
        chosen = matrix.with_free_threaded_twin(chosen)
    return chosen


def _cmd_matrix(args):
    from bench.atomic import write_text_atomic
    from bench.guard import lock
    from bench.harness import host, results_format, selection
    from bench.harness.command import mode_of
    from bench.interpreters import discover, matrix
    from bench.judge.load import ResultsError
    from bench.publish import report

    try:
        selected = selection.select(args.only)
        workloads = [w.name for w in selected]
        label = host.label(args.host)  # one label for every column: one machine, judged together
        if any(w.chapter == "io" for w in selected):
            _io_settings()  # a setting given wrong fails here once, not in every column after the builds
        out = _matrix_out(args)
        chosen = _chosen_interpreters(args)
    except (discover.InterpreterError, selection.SelectionError, ValueError) as exc:
        return _usage(exc)
    out.mkdir(parents=True, exist_ok=True)
    resume = None
    if args.resume:
        from bench.harness.runner import code_fingerprint

        resume = {"format": results_format.FORMAT, "measured": results_format.ledger_fingerprint(),
                  "code": code_fingerprint(), "mode": mode_of(args), "selection": workloads, "host": label}
    try:
        outcomes = matrix.run_matrix(chosen, out, mode_of(args), args.only, resume=resume, host=label,
                                     io=any(w.chapter == "io" for w in selected), workloads=workloads)
    except lock.Busy as exc:
        return _fail(exc)
    print(matrix.summary(outcomes), file=sys.stderr)
    try:
        files, skipped = report.render_files(str(out))
    except ResultsError as exc:
        return _fail(exc)
    # Atomic: a crash while writing must not leave a half report that looks like a whole one.
    for name, text in files.items():
        write_text_atomic(out / name, text)
    sys.stdout.write(files["report.md"])
    for line in skipped:
        progress(line)
    progress("reports written: %s" % ", ".join(str(out / name) for name in files))
    failed = [o.id for o in outcomes if not o.ok]
    if failed:
        return _fail("%d of %d configurations failed: %s; `%s` measures only those"
                     % (len(failed), len(outcomes), ", ".join(failed), _resume_hint(args, out)))
    return 0


def _add_report(sub):
    p = sub.add_parser("report", help="judge every claim from results folders (several: merged) and print the table")
    p.add_argument("results", metavar="DIR", nargs="*",
                   help="results folders (a published one such as docs/results: its raw/); several are merged by host "
                        "and interpreter (default: the newest run under results/)")
    p.add_argument("--format", choices=("md", "json", "html"), default="md",
                   help="md: the claim tables (default); json: report format 4; html: one self-contained page")
    p.add_argument("--json", action="store_true", help="the same as --format json")
    p.add_argument("--chapters", help="only these chapters (comma-separated)")
    p.add_argument("--claims", metavar="ID,...", help="only these claims (comma-separated ids, as `gilbench list` "
                   "shows them) with their workloads' metrics and timings")
    p.add_argument("--why", action="store_true", help="every cell's reason, and the claims measured nowhere")
    p.add_argument("--relabel", metavar="DIR=LABEL", action="append",
                   help="report the runs of folder DIR under host LABEL instead of the label they recorded "
                   "(repeatable; the files are not changed): two machines that both recorded one label")
    p.add_argument("--charts-dir", metavar="DIR", help="with --format html: also write the charts there as PNG")
    p.set_defaults(func=_cmd_report)


def _parser():
    from bench.cli import compare, demo, es, publish, pythons, snippets
    from bench.harness.command import add_mode_arguments, add_run_arguments

    parser = argparse.ArgumentParser(prog="gilbench", description=__doc__.splitlines()[0],
                                     epilog="exit status: 0 done, 1 the work failed, 2 a wrong command line")
    parser.add_argument("--version", action="version", version="gilbench %s" % _version(),
                        help="the version of gilbench, and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("list", help="every claim of the note: id, chapter, the note's words")
    p.add_argument("--json", action="store_true",
                   help="an object: the ledger's fingerprint and every claim with its workloads, demos, checks and "
                        "headline metric (unit, reading)")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("demo", help="run one demo, narrated (same as python -m demos.NAME); no NAME: list them")
    p.add_argument("name", metavar="NAME", nargs="?", help="the demo (`gilbench demo` lists them)")
    p.add_argument("--method", help="multiprocessing start method of the demos that take one (default: the platform's)")
    p.set_defaults(func=demo.command)

    p = sub.add_parser("run", help="observe and benchmark on the running interpreter")
    add_run_arguments(p)
    p.set_defaults(func=_cmd_run)

    _add_report(sub)

    p = sub.add_parser("matrix", help="run the suite on every interpreter (one venv each) and report")
    p.add_argument("--pythons", metavar="ID,...", help="interpreter ids or paths (default: all found)")
    add_mode_arguments(p)
    p.add_argument("--only", metavar="SELECTION", help="as for run")
    p.add_argument("--out", metavar="DIR", help="results folder (default: results/<timestamp>)")
    p.add_argument("--host", metavar="LABEL", help="host label of every column (default: $GILBENCH_HOST, else "
                   "the node name)")
    p.add_argument("--no-build", action="store_true",
                   help="do not build a GIL / free-threaded twin pair when none is found")
    p.add_argument("--resume", action="store_true",
                   help="keep the columns an earlier run into --out completed (same ledger, mode and "
                        "selection, no failure) and measure the rest (default --out: the newest under results/)")
    p.set_defaults(func=_cmd_matrix)

    compare.register(sub)
    pythons.register(sub)
    es.register(sub)
    publish.register(sub)
    snippets.register(sub)
    return parser


def _version():
    from importlib import metadata

    try:
        return metadata.version("gilbench")
    except metadata.PackageNotFoundError:  # this tree run as `python -m bench` without being installed
        return "(not installed)"


def main(argv=None):
    problem = ledger_problem()
    if problem:
        return _usage(problem)  # the ledger as edited cannot run: retrying cannot help
    args = _parser().parse_args(argv)  # a wrong command line: argparse's usage line and exit status 2
    try:
        with signals.sigterm_as_interrupt(), jobcontrol.tree_follows(), signals.interrupts_unmasked():
            return args.func(args)
    except KeyboardInterrupt as exc:
        message, status = signals.interrupted_status(exc)
        _fail(message)
        return status
    except BrokenPipeError:  # `gilbench list | head`: the reader has what it wanted
        sys.stderr.close()
        return 0
    except OSError as exc:
        return _fail(exc)


if __name__ == "__main__":
    sys.exit(main())

"""``gilbench run`` / ``python -m bench.harness``: the command that runs inside a measured interpreter.

The matrix starts ``python -m bench.harness`` in each interpreter's venv, so that nothing of the
judging, publishing, interpreter or CLI sides is imported there; ``gilbench run`` is the same
command reached through the CLI.
"""
import argparse
import datetime
import os

from bench import ledger
from bench.guard import jobcontrol, lock, signals
from bench.progress import fail, usage
from services import backend as _backend


def add_mode_arguments(parser):
    speed = parser.add_mutually_exclusive_group()
    speed.add_argument("--fast", action="store_true",
                       help="6 rounds of 2 values, 300 trials of the note's race (bound a rate below 1%%); "
                       "default (neither flag): 8 rounds of 4 values, twice the race trials")
    speed.add_argument("--rigorous", action="store_true", help="16 rounds and more race trials")


def mode_of(args):
    return "fast" if args.fast else "rigorous" if args.rigorous else "default"


def empty_out(args):
    """The one line for an ``--out ''`` (None when --out is absent or names something): an empty
    folder name is a slip, and silently writing to results/<timestamp> instead would hide it."""
    if args.out is not None and not args.out.strip():
        return "--out is empty: give a folder, or leave --out out for results/<timestamp>"
    return None


def out_dir_of(args):
    return args.out or os.path.join("results", datetime.datetime.now().strftime("%Y%m%d-%H%M%S"))


def add_run_arguments(parser):
    add_mode_arguments(parser)
    parser.add_argument("--only", metavar="SELECTION",
                        help="comma-separated chapters (%s), workload names (%s) or claim ids "
                        "(gil.race-gone-3.10: the workloads that claim needs; `gilbench list --json` names them)"
                        % (", ".join(ledger.CHAPTERS), ", ".join(w.name for w in ledger.WORKLOADS)))
    parser.add_argument("--out", metavar="DIR", help="results folder (default: results/<timestamp>)")
    parser.add_argument("--host", metavar="LABEL",
                        help="host label to file the run under (default: $GILBENCH_HOST, else the node name): the runs "
                        "of one machine that a report judges together (twins, versions); meta.json records the "
                        "machine too")
    parser.add_argument("--id", help="interpreter id to file results under (default: version, t, -gil); "
                        "a folder name inside --out, not a path")
    parser.epilog = _backend.TIMEOUT_HELP


def harness_argv(args):
    """The arguments of ``python -m bench.harness`` that repeat ``args`` (of add_run_arguments)."""
    argv = ["--" + mode_of(args)] if mode_of(args) != "default" else []
    for flag, value in (("--only", args.only), ("--out", out_dir_of(args)), ("--id", args.id),
                        ("--host", args.host)):
        if value is not None:
            argv += [flag, value]
    return argv


def run_command(args):
    """Run the selection; print the result folder; 0, or 2 (usage) / 1 (failed) with one line on stderr."""
    from bench.harness import io_session, runner, selection

    try:
        selected = selection.select(args.only)
    except selection.SelectionError as exc:
        return usage(exc)
    problem = empty_out(args)
    if problem:
        return usage(problem)
    try:
        with signals.interrupts_unmasked():
            folder, errors = runner.run(selected, out_dir_of(args), mode=mode_of(args), ident=args.id,
                                        host=args.host)
    except ValueError as exc:  # an --id or --out the run refuses before measuring
        return usage(exc)
    except _backend.ConfigError as exc:  # a setting (GILBENCH_IO_*) given wrong
        return usage(exc)
    except (io_session.BackendError, lock.Busy, RuntimeError) as exc:
        return fail(exc)
    except OSError as exc:
        return fail("cannot write the results: %s" % exc)
    print(folder)
    if errors:
        done = [w.name for w in selected if w.name not in errors]
        others = ("; results of the others (%s) are in %s" % (", ".join(done), folder) if done
                  else "; no other workload was selected: %s records the failures" % folder)
        return fail("failed: %s%s" % (", ".join(sorted(errors)), others))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.harness",
                                     description="observe and benchmark on the running interpreter")
    add_run_arguments(parser)
    args = parser.parse_args(argv)
    try:
        with signals.sigterm_as_interrupt(), jobcontrol.counting_pauses():
            return run_command(args)
    except KeyboardInterrupt as exc:
        message, status = signals.interrupted_status(exc)
        if not os.environ.get(signals.CALLER_SPEAKS_ENV):
            fail(message)
        return status

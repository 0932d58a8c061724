"""``gilbench run`` / ``python -m bench.harness``: the command that runs inside a measured interpreter.

The matrix starts ``python -m bench.harness`` in each interpreter's venv, so that nothing of the
judging, publishing, interpreter or CLI sides is imported there; ``gilbench run`` is the same
command reached through the CLI.
"""
import argparse
import datetime
import os

from bench import ledger
from bench.progress import fail


def add_mode_arguments(parser):
    speed = parser.add_mutually_exclusive_group()
    speed.add_argument("--fast", action="store_true",
                       help="6 rounds of 2 values, few race trials (count claims may stay undecided)")
    speed.add_argument("--rigorous", action="store_true", help="16 rounds and more race trials")


def mode_of(args):
    return "fast" if args.fast else "rigorous" if args.rigorous else "default"


def out_dir_of(args):
    return args.out or os.path.join("results", datetime.datetime.now().strftime("%Y%m%d-%H%M%S"))


def add_run_arguments(parser):
    add_mode_arguments(parser)
    parser.add_argument("--only", metavar="SELECTION",
                        help="comma-separated chapters (%s) or workload names (%s)"
                        % (", ".join(ledger.CHAPTERS), ", ".join(w.name for w in ledger.WORKLOADS)))
    parser.add_argument("--out", metavar="DIR", help="results folder (default: results/<timestamp>)")
    parser.add_argument("--id", help="interpreter id to file results under (default: version, t, -gil)")


def run_command(args):
    """Run the selection; print the result folder; 0, or 2 with one line on stderr."""
    from bench.harness import io_session, runner, selection

    try:
        selected = selection.select(args.only)
        folder, errors = runner.run(selected, out_dir_of(args), mode=mode_of(args), ident=args.id)
    except (selection.SelectionError, io_session.BackendError) as exc:
        return fail(exc)
    except OSError as exc:
        return fail("cannot write the results: %s" % exc)
    print(folder)
    if errors:
        return fail("%d workload(s) failed: %s; results of the others are in %s"
                    % (len(errors), ", ".join(sorted(errors)), folder))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.harness",
                                     description="observe and benchmark on the running interpreter")
    add_run_arguments(parser)
    try:
        return run_command(parser.parse_args(argv))
    except KeyboardInterrupt:
        fail("interrupted")
        return 130

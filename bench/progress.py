"""The one progress printer: a line on stderr, so that stdout carries only what a command returns.

Exit statuses follow the usual convention (argparse's own included): 2 when the command line is
wrong (an unknown name, an option that does not fit, a path that names nothing a command reads),
so that retrying the same command cannot help; 1 when the work was tried and failed (a run, a
build, a held lock, a results file that cannot be read).
"""
import importlib
import sys

USAGE = 2
FAILED = 1


def progress(message):
    print("gilbench: " + message, file=sys.stderr, flush=True)


def fail(message):
    """A command that failed while doing its work: one line on stderr, and the exit status 1 to return."""
    progress("error: %s" % message)
    return FAILED


def usage(message):
    """A command line that cannot be run as given: one line on stderr, and the exit status 2 to return."""
    progress("error: %s" % message)
    return USAGE


def ledger_problem():
    """The ledger's refusal of itself (its one line naming the claim), or None when it imports.

    Every entry point (``gilbench``, ``python -m bench``, ``python -m bench.harness``) asks this
    first, so that a malformed claim is that line and exit status 2 (``usage``), not a traceback.
    """
    try:
        importlib.import_module("bench.ledger")
    except Exception as exc:
        # The failed import took bench.ledger out of sys.modules but left the module it raised from:
        # importing LedgerError again would run the ledger (and fail) once more.
        predictions = sys.modules.get("bench.ledger.predictions")
        if predictions is not None and isinstance(exc, predictions.LedgerError):
            return str(exc)
        raise
    return None

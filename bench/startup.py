"""What a command checks before anything else: that the ledger imports.

A malformed claim (a misspelt prediction, a metric nothing produces) makes ``bench.ledger``
refuse itself with a ``LedgerError`` of one line naming the claim.  Every entry point
(``gilbench``, ``python -m bench``, ``python -m bench.harness``) asks here first, so that the
user sees that line and exit status 2 instead of a traceback.  Python 3.9, stdlib only: the
harness runs inside measured interpreters.
"""
import importlib
import sys


def ledger_problem():
    """The ledger's refusal of itself (one line naming the claim), or None when it imports."""
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

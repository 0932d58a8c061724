import sys

from bench.progress import ledger_problem, usage

# Before the command imports the ledger: a malformed claim is one line and exit 2, not a traceback.
_PROBLEM = ledger_problem()
if _PROBLEM:
    sys.exit(usage(_PROBLEM))

from bench.harness.command import main  # noqa: E402 (after the ledger is known to import)

sys.exit(main())

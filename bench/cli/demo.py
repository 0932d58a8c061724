"""``gilbench demo NAME``: a demo, narrated, then the claims it shows judged on its own observe().

The ledger's evaluator judges the demo's observations as it judges a run's: only the claims
whose every metric that observe() alone gives (its keys, and the counts and samples made from
them) are judged here; a claim that needs timings (pyperf), the machine's parallelism or
another interpreter's column says "needs a full run" and names it.  ``python -m bench.cli.demo
NAME`` (observations as JSON on stdin) is the same judge for ``python -m demos.NAME``, which may
import nothing of gilbench (demos/_util.py: ``conclude``).
"""
import importlib
import json
import pkgutil
import sys

import demos
from bench.progress import usage


def names():
    return sorted(m.name for m in pkgutil.iter_modules(demos.__path__) if not m.name.startswith("_"))


def _workloads_of_demo(name):
    """The workloads this demo's module serves: its observe() (``demo``), or, for a demo that only
    narrates a pyperf workload, the workload of its name."""
    from bench import ledger

    return [w for w in ledger.WORKLOADS if w.demo == "demos." + name or (w.demo is None and w.name == name)]


def _from_observe(workloads):
    """The metrics observe() alone gives: the keys it returns and what is counted from them."""
    from bench import ledger

    out = set()
    for w in workloads:
        if w.demo is None:
            continue
        out.update(w.observes)
        out.update(m for m, spec in w.derived if spec[0] in ledger.FROM_OBSERVATIONS)
    return out


def _required(claim):
    from bench import ledger

    optional = {c.metric for c in claim.given + claim.checks + claim.unless if c.optional}
    return [m for m in ledger.needed_metrics(claim) if m not in optional]


def claims_of(name):
    """[(claim, judgeable)] of the claims this demo shows: those reading or showing a metric of its workloads;
    judgeable when observe() alone gives every metric the claim needs."""
    from bench import ledger

    workloads = _workloads_of_demo(name)
    made = {m for w in workloads for m in w.metrics()}
    mine = {w.name for w in workloads}
    given = _from_observe(workloads)
    out = []
    for claim in ledger.CLAIMS:
        # What its row shows too (the headline, the context beside it): a demo of a context metric shows the claim.
        reads = set(ledger.needed_metrics(claim)) | set(claim.context) | (
            {claim.headline.metric} if claim.headline else set())
        if not (reads & made or {w.name for w in ledger.workloads_of(claim)} & mine):
            continue
        out.append((claim, claim.scope != "cross" and all(m in given for m in _required(claim))))
    return out


def _facts():
    from bench.harness.runner import interpreter_facts

    facts = interpreter_facts()
    out = {k: facts.get(k) for k in ("version", "gil_enabled", "free_threaded", "pymalloc", "allocator", "cpus_usable")}
    out["machine_parallelism"] = None  # measured by a run's countdown timings, not by a demo
    return out


def _full_run_reason(claim, given):
    from bench import ledger

    if claim.scope == "cross":
        return "compares interpreters: needs a matrix (`gilbench matrix --only %s`)" % claim.id
    missing = [m for m in _required(claim) if m not in given]
    workloads = ",".join(w.name for w in ledger.workloads_of(claim)) or claim.id
    return "needs a full run (%s: `gilbench run --only %s`)" % (", ".join(missing[:2]) + (" ..." if len(missing) > 2
                                                                                    else ""), workloads)


def conclusion(name, observations):
    """The demo's last lines: each claim it shows, with its verdict on this Python or why not here."""
    from bench.judge.evaluate import evaluate
    from bench.judge.load import observed_metrics
    from bench.publish.model import cell_text

    shown = claims_of(name)
    facts = _facts()
    if not shown:
        return "no claim of the ledger reads what this demo shows (it narrates the note's example)\n"
    metrics = observed_metrics(observations)
    given = _from_observe(_workloads_of_demo(name))
    lines = ["the claims this demo shows, judged by gilbench's ledger on this observe() (Python %s, %s, GIL %s):"
             % (facts["version"], "free-threaded build" if facts["free_threaded"] else "GIL build",
                "on" if facts["gil_enabled"] else "off")]
    for claim, judgeable in shown:
        if judgeable:
            text = cell_text(evaluate(claim, metrics, facts), claim)
            # The metric named: two claims of one demo may read different code (the note's, a control's).
            unit = "  (%s, unit: %s)" % (claim.headline.metric, claim.headline.unit) if claim.headline else ""
            lines.append("  %-34s %s%s" % (claim.id, text, unit))
        else:
            lines.append("  %-34s %s" % (claim.id, _full_run_reason(claim, given)))
        lines.append("  %-34s   %s" % ("", claim.claim))
    lines.append("(a verdict here is one observe() on this Python; `gilbench run` judges the same claims with "
                 "its rounds, timings and the machine's parallelism)")
    return "\n".join(lines) + "\n"


def command(args):
    """``gilbench demo [NAME] [--method M]``."""
    known = names()
    if args.name is None:  # list them, each with the first line of its docstring
        for name in known:
            doc = (importlib.import_module("demos." + name).__doc__ or "").strip().splitlines()
            print("%-14s %s" % (name, doc[0] if doc else ""))
        return 0
    if args.name not in known:
        return usage("unknown demo %r (demos: %s)" % (args.name, ", ".join(known)))
    main = importlib.import_module("demos." + args.name).main
    from demos import _util

    _util.set_judge(conclusion)
    if args.method is None:
        main()
        return 0
    import inspect
    import multiprocessing

    if "method" not in inspect.signature(main).parameters:
        return usage("demo %r takes no start method" % args.name)
    if args.method not in multiprocessing.get_all_start_methods():
        return usage("start method %r is not offered here (offered: %s)"
                     % (args.method, ", ".join(multiprocessing.get_all_start_methods())))
    main(method=args.method)
    return 0


def _main(argv):
    """``python -m bench.cli.demo NAME`` < observations.json: the conclusion of ``python -m demos.NAME``."""
    if len(argv) != 1 or argv[0] not in names():
        return usage("usage: python -m bench.cli.demo NAME < observations.json (NAME: %s)" % ", ".join(names()))
    sys.stdout.write(conclusion(argv[0], json.load(sys.stdin)))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))

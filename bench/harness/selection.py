"""Which workloads a run measures (``--only``) and how hard it measures them (the mode)."""
from bench import ledger

# Timings are taken in rounds: each round runs a workload's pyperf script once, as one fresh process
# that times the workload's benchmarks in turn (pyperf's worker mode, --worker, run directly with no
# --worker-task: the values pyperf's own workers take, and the same metadata; pyperf 2.11's
# --in-process does the same but needs Python 3.11, and 3.9 and 3.10 get pyperf 2.10), every other round in the
# reversed order, and appends to one bench.json.  One process per round, not one per benchmark:
# pyperf's worker start-up (about 0.3 s of imports, the I/O client's 0.6 s) times nothing, and at
# some 70 benchmarks in 6 rounds it was a third of a column.  The rounds still sample a fresh
# process each (hash seed, address layout), and the alternating order cancels what one benchmark
# leaves to the next (a heap, a warm cache) in the mean of the rounds.
# Round r of every selected workload runs before round r+1 of any (runner._run_workloads), so that
# each workload's rounds span the whole run and the machine's drift over it enters the intervals.
# The judging side pairs the benchmarks of a ratio round by round, so the machine's drift
# between rounds cancels and the interval comes from the pairs (fewer than stats.MIN_PAIRS pairs: provisional).
# Even counts: as many rounds in each order, so an order effect cancels in the mean.
ROUNDS = {"fast": 6, "default": 8, "rigorous": 16}

# pyperf settings of one round.  --loops 1: every value is one call of the workload (all of them
# take 10 ms or more), and pyperf skips its loop calibration.
PYPERF_ARGS = {
    "fast": ("--loops", "1", "--values", "2", "--warmups", "1"),
    "default": ("--loops", "1", "--values", "4", "--warmups", "1"),
    "rigorous": ("--loops", "1", "--values", "4", "--warmups", "2"),
}
# Even --values: the benchmarks taken in turn (pyperf_script.bench_interleaved) alternate the order
# of their passes, and only an even count of passes after the warm-ups puts each benchmark as often
# early as late within a round (3 gave R D R: a drift within the round did not cancel).
# How a round's process times its benchmarks: all of them itself (pyperf's worker mode, see above),
# or, for an ``isolated`` workload (ledger), each in a fresh pyperf worker process of its own.
ONE_PROCESS, WORKER_PER_BENCHMARK = ("--worker",), ("--processes", "1")


def round_plan(timed, mode):
    """The timing steps of a run, in the order they run: ``(slot, workload, round, only)``, ``only``
    the benchmarks that step's process times (None: all of the workload's).

    Slot s (1 to the mode's rounds) runs round s of every workload.  A workload with
    ``more_rounds`` (ledger) then times those benchmarks alone in its rounds past the mode's,
    spread over the slots (the i-th of n in slot ceil(i x slots / n)), so that those rounds span
    the run as the others do instead of running as one block at its end."""
    slots = ROUNDS[mode]
    plan = []
    for slot in range(1, slots + 1):
        plan += [(slot, w, slot, None) for w in timed]
        for w in timed:
            extra = list(range(slots + 1, rounds_of(w, mode) + 1))
            plan += [(slot, w, r, tuple(w.more_rounds.benchmarks)) for i, r in enumerate(extra, 1)
                     if -(-i * slots // len(extra)) == slot]
    return plan


def rounds_of(workload, mode):
    """The rounds ``workload`` is timed in: the mode's, or its more_rounds' where those are more."""
    more = workload.more_rounds.rounds.get(mode, 0) if workload.more_rounds else 0
    return max(ROUNDS[mode], more)


def pyperf_args(workload, mode):
    """pyperf's options for one round of ``workload`` in ``mode``.  Every benchmark keeps its untimed
    warm-up call.  Without one (the run published at 90615c4), a countdown benchmark's first value
    read +2.5% over its second (standard error 0.9%, 9 columns); with one (677f656), the warm-up of a process's
    first benchmark read +6.7% +- 3.1% over its values, +0.4% at later positions.  The 9-14 s a
    column saved were a bias."""
    return (WORKER_PER_BENCHMARK if workload.isolated else ONE_PROCESS) + tuple(PYPERF_ARGS[mode])


class SelectionError(ValueError):
    pass


def _picked(item, names, claim_ids):
    """The workloads one item of a selection stands for: a workload, a chapter or a claim id."""
    if item in names:
        return [ledger.workload(item)]
    if item in ledger.CHAPTERS:
        picked = [w for w in ledger.WORKLOADS if w.chapter == item]
        if not picked:
            raise SelectionError("chapter %r has no workloads yet (built: %s)"
                                 % (item, ", ".join(sorted({w.chapter for w in ledger.WORKLOADS}))))
        return picked
    if item in claim_ids:
        # What judging the claim reads (bench.ledger.workloads_of), so that a run of one claim
        # measures nothing else.
        return ledger.workloads_of(ledger.get(item))
    raise SelectionError("unknown selection %r (chapters: %s; workloads: %s; claim ids: %s)"
                         % (item, ", ".join(ledger.CHAPTERS), ", ".join(names), ", ".join(claim_ids)))


def select(selection):
    """Workloads for a comma-separated selection of chapters, workload names and/or claim ids."""
    if selection is None:  # no --only: everything
        return list(ledger.WORKLOADS)
    items = [s.strip() for s in selection.split(",") if s.strip()]  # "gc," means "gc"
    if not items:  # --only '' or ',': a selection that names nothing is a mistake, not "everything"
        raise SelectionError("empty selection %r: --only takes chapters (%s), workload names or claim ids"
                             % (selection, ", ".join(ledger.CHAPTERS)))
    names = [w.name for w in ledger.WORKLOADS]
    claim_ids = [c.id for c in ledger.CLAIMS]
    chosen = []
    for item in items:
        chosen.extend(w for w in _picked(item, names, claim_ids) if w not in chosen)
    return chosen

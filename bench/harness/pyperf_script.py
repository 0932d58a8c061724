"""What every pyperf script shares: a Runner carrying GIL metadata, and one timed loop.

pyperf does not record the GIL: ``gil_metadata()`` adds the build (``Py_GIL_DISABLED``) and
the state at run time (``sys._is_gil_enabled()``).  ``bench_all`` times the workloads the way
every script here does, and refuses the values when the GIL changed state during the loop
(an extension module imported on a free-threaded build can switch it on): such values would
be filed under a GIL state they were not taken in.
"""
import multiprocessing
import os
import random
import sys
import sysconfig
import time

import pyperf

from bench import ledger
from demos._util import gil_enabled


def gil_metadata():
    """Build and run-time GIL facts of this interpreter, as pyperf metadata (all str values)."""
    # pyperf rejects empty metadata values, so an unset PYTHON_GIL is recorded as "unset".
    return {
        "py_gil_disabled": "1" if sysconfig.get_config_var("Py_GIL_DISABLED") else "0",
        "gil_enabled_at_runtime": "1" if gil_enabled() else "0",
        "python_gil_env": os.environ.get("PYTHON_GIL", "") or "unset",
        "switch_interval": repr(sys.getswitchinterval()),
    }


_TYPES = {"int": int, "float": float, "str": str}


def make_runner(workload=None, **kwargs):
    """A pyperf.Runner (one per process, as pyperf requires) whose runs carry gil_metadata(), with
    the options of ledger workload ``workload`` (its name) added and forwarded.

    Two options of gilbench's own are added too: ``--gilbench-round N`` (recorded in every run's
    metadata, so that the judging side pairs the runs of one round) and ``--gilbench-order
    declared|reversed`` (the order in which ``bench_all`` runs the benchmarks; alternating it
    between rounds cancels linear drift).  pyperf's workers are fresh processes that see only what
    is forwarded: ``_forward`` passes every one of these options on, the one place that does.  A
    gilbench run starts no such workers: each round is one process (``selection.pyperf_args``), which
    sees the run's whole environment, as the demos' observations do (pyperf's workers see only PATH,
    HOME, PYTHONPATH, PYTHON_GIL and a few more).
    Where the workload's timings start processes (``Workload.start_method``), the start method is
    recorded in the metadata, the one place a script reads (and so fixes) it.
    """
    options = ledger.workload(workload).options if workload is not None else ()

    def _forward(cmd, args):
        cmd.extend(("--gilbench-round", str(args.gilbench_round), "--gilbench-order", args.gilbench_order))
        for name in args.gilbench_only or ():
            cmd.extend(("--gilbench-only", name))
        for option in options:
            value = getattr(args, _dest(option))
            if value is not None:
                cmd.extend((option.flag, str(value)))

    runner = pyperf.Runner(add_cmdline_args=_forward, **kwargs)
    runner.argparser.add_argument("--gilbench-round", type=int, default=0,
                                  help="round number recorded in every run (gilbench pairs runs by it)")
    runner.argparser.add_argument("--gilbench-order", choices=("declared", "reversed"), default="declared",
                                  help="run the benchmarks in the declared or the reversed order")
    runner.argparser.add_argument("--gilbench-only", action="append", default=[], metavar="BENCHMARK",
                                  help="time only this benchmark (repeat for more; a name may hold commas): "
                                       "a workload's main process or its more_rounds one")
    for option in options:
        default = os.environ.get(option.env, option.default) if option.env else option.default
        runner.argparser.add_argument(option.flag, type=_TYPES[option.type], default=default, help=option.help,
                                      **({"choices": option.choices} if option.choices else {}))
    runner.metadata.update(gil_metadata())
    if workload is not None and ledger.workload(workload).start_method:
        # Recorded: 3.14 changes Linux's default start method, and process start-up is in the timing.
        runner.metadata["mp_start_method"] = multiprocessing.get_start_method()
    return runner


def _dest(option):
    return option.flag.lstrip("-").replace("-", "_")


def grid(workload):
    """The benchmark grid the ledger declares for ``workload`` (a ``bench.ledger.vocabulary.Grid``)."""
    return ledger.workload(workload).grid


class GilStateChanged(RuntimeError):
    pass


def _refuse_if_flipped(gil_before, func):
    if gil_enabled() != gil_before:
        raise GilStateChanged("the GIL was switched %s while timing %s; its values are refused"
                              % ("on" if gil_before is False else "off", getattr(func, "__name__", func)))


def _timed_calls(loops, gil_before, func, *args):
    start = time.perf_counter()
    for _ in range(loops):
        func(*args)
    elapsed = time.perf_counter() - start
    _refuse_if_flipped(gil_before, func)
    return elapsed


def bench_all(runner, benchmarks, after=None):
    """Benchmark each ``(name, func, *args)``: pyperf times ``func(*args)`` called ``loops`` times
    per value, in the order ``--gilbench-order`` asks for.  ``after(func)``, if given, runs once
    each benchmark is timed: a round's benchmarks share one process (``selection.pyperf_args``), so
    what one of them started (an echo child, a pool, a manager) is stopped before the next is timed,
    as a worker per benchmark would have stopped it.

    The GIL state recorded in each run's metadata is the one when the runner was made; it is
    checked against that after every timed loop.
    """
    _bench_in_order(runner, benchmarks, _timed_calls, after)


def _only(args, benchmarks):
    """The benchmarks ``--gilbench-only`` names (all where it names none); ValueError for a name
    that is none of them."""
    wanted = list(args.gilbench_only or ())
    unknown = sorted(set(wanted) - {name for name, *_ in benchmarks})
    if unknown:
        raise ValueError("--gilbench-only names no benchmark of this script: %s" % ", ".join(unknown))
    return [b for b in benchmarks if b[0] in wanted] if wanted else list(benchmarks)


def _bench_in_order(runner, benchmarks, timer, after=None):
    args = runner.args if runner.args is not None else runner.parse_args()
    runner.metadata["gilbench_round"] = args.gilbench_round
    ordered = _only(args, benchmarks)
    if args.gilbench_order == "reversed":
        ordered.reverse()
    # The state filed in every run's metadata (make_runner): a switch between two benchmarks of one
    # process must not become the next benchmark's reference.
    recorded = runner.metadata["gil_enabled_at_runtime"] == "1"
    for name, func, *func_args in ordered:
        runner.bench_time_func(name, timer, recorded, func, *func_args)
        if after is not None:
            after(func)


def bench_interleaved(runner, benchmarks):
    """Like ``bench_all``, with the benchmarks' calls taken in turn rather than one benchmark after
    another: a pass calls every benchmark once, the passes alternate the order (ABC CBA ABC, the first
    pass's order from ``_first_pass``), and the first ``--warmups`` passes are the warm-ups.  pyperf then
    files each benchmark's calls, in the order they were taken, as that benchmark's warm-ups and
    values (the runs' ``duration`` is the filing's, not the timing's; ``gilbench_timing`` says so).

    Why: this VM's speed moves within seconds (a round's countdown[threads=1] read 0.13 s and the
    next round's 0.35 s), and a ratio's two benchmarks taken one after the other sat 3 s apart.  The
    per-round log ratio of countdown threads=2 over threads=1 had an sd of 0.18 that way and 0.10
    taken in turn (3.11.7, 8 rounds each, one process).  Only for benchmarks that leave nothing
    busy between calls (an idle pool may wait; ``bench_all``'s ``after`` has no place here).  Where pyperf is the
    manager, or a worker asked for one benchmark (``--worker-task``), each benchmark is in its own
    process and there is nothing to take in turn: ``bench_all`` times them.
    """
    args = runner.args if runner.args is not None else runner.parse_args()
    if not args.worker or args.worker_task is not None:
        bench_all(runner, benchmarks)
        return
    if args.loops != 1:
        raise ValueError("interleaved timing takes one call per value (--loops 1), not --loops %r" % (args.loops,))
    # These measure what pyperf runs, and pyperf runs only the replay: they would file a plausible
    # wrong number.  Refused, as --loops is.
    wrapped = [flag for flag, dest in (("--track-memory", "track_memory"), ("--tracemalloc", "tracemalloc"),
                                       ("--profile", "profile"), ("--hook", "hook")) if getattr(args, dest, None)]
    if wrapped:
        raise ValueError("interleaved timing cannot take %s: pyperf would measure the replay of times taken "
                         "before, not the calls" % " or ".join(wrapped))
    # pyperf pins a worker (--affinity, or the isolated CPUs) when it files its first benchmark, which
    # here is after the timing: pin now, with pyperf's own rule, so the calls run where the metadata says.
    runner._cpu_affinity()
    recorded = runner.metadata["gil_enabled_at_runtime"] == "1"
    benchmarks = _only(args, benchmarks)
    first = _first_pass(benchmarks, args.gilbench_round, args.gilbench_order == "reversed")
    taken = _take_in_turn(first, args.warmups + args.values, recorded)
    runner.metadata["gilbench_timing"] = "interleaved"
    runner.metadata["gilbench_first_pass"] = " ".join(name for name, *_ in first)
    _bench_in_order(runner, [(name, taken[name]) for name, *_ in benchmarks], _replayed)
    left = {name: len(times) for name, times in taken.items() if times}
    if left:
        raise RuntimeError("pyperf filed fewer calls than were taken: %r left" % (left,))


def _first_pass(benchmarks, round_, reverse):
    """The order of a round's first pass: the declared order (reversed where asked), shuffled by the
    round's pair (rounds 1-2, 3-4, ...) from round 1 on.  The passes then alternate it (ABC CBA ABC), which balances each
    benchmark's place within the round but keeps its neighbours; a fixed order made the same
    benchmark precede another in every round (a carry-over, throttling after 4 processes, say,
    would bias that ratio and never enter its interval).  Seeded: a round's order is reproducible and
    filed in the metadata (gilbench_first_pass)."""
    ordered = list(benchmarks)
    if round_ >= 1:
        # Rounds 2j-1 and 2j share one shuffle, the second reversed ("reversed" order): over each
        # pair of rounds every benchmark comes first as often (two benchmarks shuffled by the round
        # alone put one first in 7 of 10 rounds).
        random.Random((round_ + 1) // 2).shuffle(ordered)
    return ordered[::-1] if reverse else ordered


def _take_in_turn(benchmarks, passes, gil_before):
    """Each benchmark's call times over ``passes`` passes, every pass calling each once: the first in
    the order given, then alternately reversed."""
    taken = {name: [] for name, *_ in benchmarks}
    for p in range(passes):
        ordered = list(benchmarks) if p % 2 == 0 else list(reversed(benchmarks))
        for name, func, *func_args in ordered:
            taken[name].append(_timed_calls(1, gil_before, func, *func_args))
    return taken


def _replayed(loops, gil_before, times):
    """The next of a benchmark's call times taken by ``_take_in_turn`` (the GIL was checked then)."""
    if loops != 1 or not times:
        raise RuntimeError("pyperf asked for %d loops of a call taken once, or for more calls than were taken" % loops)
    return times.pop(0)


def _self_timed(loops, gil_before, func, *args):
    elapsed = func(loops, *args)
    _refuse_if_flipped(gil_before, func)
    return elapsed


def bench_all_self_timed(runner, benchmarks, after=None):
    """Like ``bench_all``, for workloads that time only part of each call: ``func(loops, *args)``
    runs ``loops`` times and returns the seconds of the timed part (a process's start up to its
    first instruction, without the join that follows).  ``after(func)``, if given, runs once each
    benchmark is timed: where a round's benchmarks share one process (``selection.pyperf_args``: pyperf's --worker), what
    one benchmark set up (threads, processes, connections) is closed before the next is timed."""
    _bench_in_order(runner, benchmarks, _self_timed, after)

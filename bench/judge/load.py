"""Load a results folder into metrics: observations.json + bench.json -> {metric: Measured}.

Data flows one way: the files of a run -> metrics -> verdicts (``bench.judge.verdicts``).
Every metric comes from a file of the run; nothing here knows what a claim's answer should be.
Timings are paired round by round.  Folders of older results formats are read through
``bench.judge.migrate``, which brings them up to the newest; this module knows only that one
(format-1 timings come out of it marked unpaired, and their ratios say so).
"""
import dataclasses
import json
import math
import os
from dataclasses import dataclass, field
from typing import Dict

from bench import ledger
from bench.harness import results_format
from bench.judge import migrate, pooling, shares, stats
from bench.judge.rounds import count_by_round
from bench.judge.stats import Measured
from bench.guard import folders
from bench.ledger import versions


class ResultsError(Exception):
    """A results folder that cannot be read; the message is one line a person can act on."""


@dataclass
class InterpreterResult:
    id: str
    folder: str
    meta: dict
    metrics: Dict[str, Measured] = field(default_factory=dict)
    errors: Dict[str, str] = field(default_factory=dict)  # workload -> why it failed
    dropped: Dict[str, str] = field(default_factory=dict)  # workload -> why its values were dropped
    run_means: Dict[str, list] = field(default_factory=dict)  # benchmark -> per-run means (cross claims)
    # metric -> why its probe could not take it (a demo's "<prefix>unmeasured" observation)
    unmeasured: Dict[str, str] = field(default_factory=dict)


def _load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except ValueError as exc:
        raise ResultsError("%s: malformed JSON (%s)" % (path, exc))
    except OSError as exc:
        raise ResultsError("%s: cannot read (%s)" % (path, exc.strerror))


def _reject_non_finite(path, data):
    where = results_format.first_non_finite(data)
    if where:
        raise ResultsError("%s: %s is not a finite number; a run drops such a value with its reason and never "
                           "writes one: rerun that column, or restore the file" % (path, where))


# A count's per-round parts, where its demo records them (race: one fresh process per round).
_BY_ROUND = "_by_round"
_EXTRA_ROUNDS = ".extra_rounds"  # <count's prefix>.extra_rounds: rounds run on until an event was seen


def _is_number(value):
    return isinstance(value, (int, float))  # bool is an int: a yes/no fact counts as 1/0


def _shapes():
    """{observed key: "number" or "list"} for every key the ledger reads from observations."""
    derived = {metric for w in ledger.WORKLOADS for metric, _ in w.derived}
    shapes = {m: "number" for c in ledger.CLAIMS for m in c.metrics() if m not in derived}
    for workload in ledger.WORKLOADS:
        for _, spec in workload.derived:
            if spec[0] == "count":
                shapes.update({spec[1]: "number", spec[2]: "number"})
                shapes.update({spec[1] + _BY_ROUND: "list", spec[2] + _BY_ROUND: "list"})
            elif spec[0] in ("samples", "sample_mean"):
                shapes[spec[1]] = "list"
            elif spec[0] == "bounds":
                shapes.update({spec[1]: "number", spec[2]: "number"})
    return shapes


def _check_observations(path, observations):
    """One line naming the file and key when a value the ledger reads has the wrong type."""
    if not isinstance(observations, dict):
        raise ResultsError("%s: \"observations\" is %s, not an object" % (path, type(observations).__name__))
    for key, shape in _shapes().items():
        if key not in observations:
            continue
        value = observations[key]
        if value is None:  # the demo could not observe it (pymalloc's size classes on mimalloc): not measured
            continue
        ok = _is_number(value) if shape == "number" else (
            isinstance(value, list) and all(_is_number(v) for v in value))
        if not ok:
            raise ResultsError("%s: observations[%r] is %s, where %s belongs: rerun that column, or restore the file"
                               % (path, key, json.dumps(value)[:60],
                                  "a number" if shape == "number" else "a list of numbers"))


def _check_format(path, data):
    if not isinstance(data, dict):
        raise ResultsError("%s: holds %s, not a JSON object: rerun that column, or restore the file"
                           % (path, json.dumps(data)[:40]))
    got = data.get("format")
    if got not in results_format.READABLE:
        raise ResultsError("%s: results format %r, this gilbench reads formats %s"
                           % (path, got, ", ".join(map(str, results_format.READABLE))))
    return got


# meta.json's facts that judging reads, and the type each must have (None allowed where a run may
# not know it: a CPU count, a load average).
_META_TYPES = {"id": str, "free_threaded": bool, "gil_enabled": bool, "pymalloc": (bool, type(None)),
               "cpus_usable": (int, type(None)), "cpu_count": (int, type(None)), "rounds": (int, type(None)),
               "selection": list, "started": (str, type(None)), "host": (str, type(None)),
               "machine_fingerprint": (str, type(None)),
               "memory_bytes": (int, type(None)), "measured_workloads": (dict, type(None)),
               "libraries": (dict, type(None)), "source": (str, type(None))}


def _check_meta(path, meta):
    """One line naming the file and key when meta.json cannot be what a run wrote."""
    for key, kinds in _META_TYPES.items():
        if key in meta and (not isinstance(meta[key], kinds) or (kinds is int and isinstance(meta[key], bool))):
            raise ResultsError("%s: %r is %s, which no run writes: rerun that column, or restore the file"
                               % (path, key, json.dumps(meta[key])[:40]))
    try:
        versions.key(meta.get("version"))
    except ValueError as exc:
        raise ResultsError("%s: 'version' %s: rerun that column, or restore the file" % (path, exc))
    if "id" in meta and folders.id_problem(meta["id"]):
        raise ResultsError("%s: 'id' %r is not a column name a run writes: rerun that column, or restore the file"
                           % (path, meta["id"]))
    if "selection" in meta and not all(isinstance(w, str) for w in meta["selection"]):
        raise ResultsError("%s: 'selection' is not a list of workload names" % path)
    if not all(isinstance(v, (str, type(None))) for v in (meta.get("libraries") or {}).values()):
        raise ResultsError("%s: 'libraries' is not a map of library names to versions" % path)


# Derived metrics made from pyperf timings, and those made from a demo's observations.
_FROM_TIMINGS = ("mean", "ratio", "parallel_share")


def _workload_of_benchmark(name):
    """The workload a benchmark's errors and drops are filed under (the ledger's one map); a
    benchmark of no workload is filed under its own name."""
    return ledger.workload_of_benchmark(name) or name


def _runs_by_round(bench, paired):
    """{round: mean of the run's values}; unpaired timings (format 1) have no rounds: runs are keyed
    by position.

    ValueError when a paired run has no round or a round appears twice: pairing would be a guess.
    """
    out = {}
    position = 0
    for run in bench.get_runs():
        values = run.values
        if not values:  # pyperf's calibration runs carry warm-ups only
            continue
        position += 1
        key = run.get_metadata().get("gilbench_round") if paired else position
        if key is None or key in out:
            raise ValueError("a run of %s has %s round number" % (bench.get_name(), "no" if key is None else "a repeated"))
        out[key] = sum(values) / len(values)
    return out


def _gil_problem(bench, wanted):
    """Why a benchmark's timings cannot be filed under this column, or None."""
    states = [run.get_metadata().get("gil_enabled_at_runtime") for run in bench.get_runs() if run.values]
    if any(s is None for s in states):
        return "a pyperf run of %s carries no GIL state (gil_enabled_at_runtime)" % bench.get_name()
    if set(states) - {wanted}:
        # An extension module can switch the GIL on in a free-threaded build at import.
        return ("pyperf runs of %s ran with the GIL %s, the column's run had it %s"
                % (bench.get_name(), "on" if "1" in set(states) - {wanted} else "off",
                   "on" if wanted == "1" else "off"))
    return None


def _derive(spec, rounds, unpaired):
    """One derived timing metric from per-round means, or None when a benchmark is missing.

    ``unpaired``: why the runs have no rounds to pair (None: they have)."""
    names = spec[1:]
    if any(name not in rounds for name in names):
        return None
    if spec[0] == "mean":
        return stats.mean_interval(list(rounds[names[0]].values()), "t over runs")
    if unpaired:
        if spec[0] == "ratio":
            a, b = (list(rounds[n].values()) for n in names)
            m = stats.unpaired_ratio(a, b)
            return dataclasses.replace(m, method="%s (%s)" % (m.method, unpaired))
        return None  # a share of parallel gain needs pairs
    common = sorted(set.intersection(*(set(rounds[n]) for n in names)))
    if spec[0] == "ratio":
        return stats.paired_ratio([rounds[names[0]][r] for r in common], [rounds[names[1]][r] for r in common])
    base, parallel, machine = names
    # Gains over the base in each round: the threads' and the machine's (2 processes).
    return shares.paired_share([rounds[base][r] / rounds[parallel][r] - 1 for r in common],
                              [rounds[base][r] / rounds[machine][r] - 1 for r in common])


def _bench_metrics(path, meta, result):
    import pyperf  # lazy: only reports with timings need it

    try:
        suite = pyperf.BenchmarkSuite.load(path)
    except Exception as exc:
        raise ResultsError("%s: not a pyperf result (%s)" % (path, exc))
    wanted = "1" if meta.get("gil_enabled") else "0"
    unpaired = meta.get("unpaired")
    rounds, timings_dropped = {}, set()
    for bench in suite.get_benchmarks():
        workload = _workload_of_benchmark(bench.get_name())
        if workload in result.errors:
            # It failed part-way: the rounds it finished may be the calm ones; judge none of them.
            result.dropped.setdefault(workload, "timings of the rounds before it failed are not judged")
            continue
        problem = _gil_problem(bench, wanted)
        if not problem:
            try:
                rounds[bench.get_name()] = _runs_by_round(bench, not unpaired)
            except ValueError as exc:
                problem = str(exc)
        if problem:
            result.dropped.setdefault(workload, "timings dropped: " + problem)
            timings_dropped.add(workload)
    # A workload with one dropped benchmark loses all its timings: its ratios would mix states.  A
    # drop of its observations (made in the harness's process) says nothing of its pyperf workers'.
    for name in [n for n in rounds if _workload_of_benchmark(n) in timings_dropped]:
        del rounds[name]
    result.run_means = {name: list(by_round.values()) for name, by_round in rounds.items()}
    for workload in ledger.WORKLOADS:
        for metric, spec in workload.derived:
            if spec[0] in _FROM_TIMINGS:
                try:
                    measured = _derive(spec, rounds, unpaired)
                except ValueError as exc:
                    result.dropped.setdefault(workload.name, "%s: %s" % (metric, exc))
                    continue
                if measured is not None:
                    result.metrics[metric] = measured


_SHARE = (0.0, 1.0)


def _is_share(metric):
    """A metric named ``..._share`` or ``..._share_<of what>`` is a share of something: its values and
    interval lie in [0, 1]."""
    return "share" in metric.rsplit(".", 1)[-1].split("_")


def _observed_metrics(observations, result):
    for key, value in observations.items():
        if key.endswith(".unmeasured") and isinstance(value, dict):
            result.unmeasured.update({str(k): str(v) for k, v in value.items()})
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, (int, float)) and math.isfinite(value):
            result.metrics[key] = Measured(value)
    for workload in ledger.WORKLOADS:
        for metric, spec in workload.derived:
            if spec[0] not in ledger.FROM_OBSERVATIONS:
                continue
            # A demo may also report a plain summary under the metric's own name (a median): it
            # must never pass for the measurement with its interval.
            plain = result.metrics.pop(metric, None)
            try:
                if spec[0] == "count" and spec[1] in observations and spec[2] in observations:
                    result.metrics[metric] = _count(observations, spec[1], spec[2])
                elif spec[0] == "samples" and spec[1] in observations:
                    result.metrics[metric] = stats.ratio_of_pairs(observations[spec[1]])
                elif spec[0] == "bounds" and None not in (observations.get(spec[1]), observations.get(spec[2])):
                    result.metrics[metric] = stats.bounded(observations[spec[1]], observations[spec[2]])
                elif spec[0] == "bounds" and plain is not None:
                    result.unmeasured.setdefault(metric, "recorded by an older probe as one count read as exact, "
                                                         "before its bounds: not judged")
                elif spec[0] == "sample_mean" and spec[1] in observations:
                    result.metrics[metric] = stats.mean_interval(observations[spec[1]], "t over repeated measurements",
                                                                 _SHARE if _is_share(metric) else None,
                                                                 negligible=spec[2])
                elif spec[0] == "sample_mean" and plain is not None:
                    result.unmeasured.setdefault(metric, "recorded as one reading, without the repeated readings "
                                                         "its mean is taken of (an older probe): not judged")
            except (TypeError, ValueError, OverflowError) as exc:
                result.dropped.setdefault(workload.name, "bad value of %s: %s" % (metric, exc))
                result.metrics.pop(metric, None)


def _count(observations, events_key, trials_key):
    """A count, judged per round where the demo recorded its rounds (``<key>_by_round`` lists that
    add up to the totals): rounds that disagree are not counted as one population."""
    events, trials = observations[events_key], observations[trials_key]
    by_round = observations.get(events_key + _BY_ROUND), observations.get(trials_key + _BY_ROUND)
    if all(isinstance(x, list) for x in by_round) and (sum(by_round[0]), sum(by_round[1])) == (events, trials):
        # Rounds a demo ran on until an event was seen (demos.race's note_until_seen): the events
        # sit in the last of them by design, not by a change of rate.
        extra = observations.get(events_key.rsplit(".", 1)[0] + _EXTRA_ROUNDS, 0)
        return count_by_round(*by_round, until_seen=extra if isinstance(extra, int) and extra > 0 else 0)
    return stats.count(events, trials)


def _load_interpreter(folder):
    meta_path = os.path.join(folder, results_format.META)
    meta = _load_json(meta_path)
    _check_format(meta_path, meta)
    _reject_non_finite(meta_path, meta)
    _check_meta(meta_path, meta)
    obs_path = os.path.join(folder, results_format.OBSERVATIONS)
    obs = _load_json(obs_path)
    _check_format(obs_path, obs)
    _reject_non_finite(obs_path, obs)
    migrate.migrate(meta, obs)
    _check_observations(obs_path, obs.get("observations", {}))
    for part in ("errors", "dropped"):
        if not isinstance(obs.get(part, {}), dict):
            raise ResultsError("%s: %r is %s, not an object" % (obs_path, part, type(obs[part]).__name__))
    result = InterpreterResult(meta.get("id") or os.path.basename(folder), folder, meta,
                               errors=dict(obs.get("errors", {})), dropped=dict(obs.get("dropped", {})))
    _observed_metrics(obs.get("observations", {}), result)
    bench_path = os.path.join(folder, results_format.BENCH)
    if os.path.exists(bench_path):
        _bench_metrics(bench_path, meta, result)
    return result


def load(run_dir):
    """All interpreters of a run folder (or a single interpreter's folder)."""
    if not os.path.isdir(run_dir):
        raise ResultsError("results folder %s %s" % (run_dir, "is not a folder" if os.path.exists(run_dir)
                                                     else "does not exist"))
    if os.path.exists(os.path.join(run_dir, results_format.META)):
        column_dirs = [run_dir]
    else:
        column_dirs = sorted(os.path.join(run_dir, d) for d in os.listdir(run_dir)
                         if not d.startswith(".") and os.path.isfile(os.path.join(run_dir, d, results_format.META)))
    if not column_dirs:
        odd = [d for d in os.listdir(run_dir) if os.path.isdir(os.path.join(run_dir, d, results_format.META))]
        if odd or os.path.isdir(os.path.join(run_dir, results_format.META)):
            raise ResultsError("%s: %s is a folder, not the file a run writes: rerun that column, or restore it"
                               % (run_dir, os.path.join((odd or [""])[0], results_format.META)))
        raise ResultsError("%s holds no gilbench results (no <interpreter>/%s): write some with `gilbench run --out "
                           "%s` or `gilbench matrix --out %s`" % (run_dir, results_format.META, run_dir, run_dir))
    loaded = [_load_interpreter(f) for f in column_dirs]
    pooling.pool_spreads(loaded)  # a run's columns of one kind share a round-to-round spread
    # Columns in version order (3.9 before 3.10), each GIL build before its free-threaded twin.
    return sorted(loaded, key=lambda r: (versions.sort_key(r.meta.get("version")), bool(r.meta.get("free_threaded")),
                                         bool(r.meta.get("gil_enabled")), r.id))



def observed_metrics(observations):
    """The metrics of one observe() of a demo, outside any run folder (``gilbench demo``): its keys
    and the counts, samples and means made from them, as a run's observations.json gives them."""
    result = InterpreterResult("demo", "", {})
    _observed_metrics(observations, result)
    return result.metrics

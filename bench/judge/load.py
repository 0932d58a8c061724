"""Load a results folder into metrics: observations.json + bench.json -> {metric: Measured}.

Data flows one way: the files of a run -> metrics -> verdicts (``bench.judge.verdicts``).
Every metric comes from a file of the run; nothing here knows what a claim's answer should be.
"""
import json
import math
import os
from dataclasses import dataclass, field
from typing import Dict

from bench import ledger
from bench.harness import results_format
from bench.judge.evaluate import Measured
from bench.judge.stats import ratio


class ResultsError(Exception):
    """A results folder that cannot be read; the message is one line a person can act on."""


@dataclass
class InterpreterResult:
    id: str
    folder: str
    meta: dict
    metrics: Dict[str, Measured] = field(default_factory=dict)
    errors: Dict[str, str] = field(default_factory=dict)


def _load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except ValueError as exc:
        raise ResultsError("%s: malformed JSON (%s)" % (path, exc))
    except OSError as exc:
        raise ResultsError("%s: cannot read (%s)" % (path, exc.strerror))


def _check_format(path, data):
    if not isinstance(data, dict) or data.get("format") != results_format.FORMAT:
        got = data.get("format") if isinstance(data, dict) else None
        raise ResultsError("%s: results format %r, this gilbench reads format %d"
                           % (path, got, results_format.FORMAT))


def _bench_metrics(path):
    import pyperf  # lazy: only reports with timings need it

    try:
        suite = pyperf.BenchmarkSuite.load(path)
    except Exception as exc:
        raise ResultsError("%s: not a pyperf result (%s)" % (path, exc))
    stats, gil_states = {}, set()
    for bench in suite.get_benchmarks():
        gil_states.add(bench.get_metadata().get("gil_enabled_at_runtime"))
        values = bench.get_values()
        # The standard error of the mean: the uncertainty of the mean a ratio is taken of
        # (values come from separate worker processes, so it includes their variation).
        sem = bench.stdev() / math.sqrt(len(values)) if len(values) > 1 else 0.0
        stats[bench.get_name()] = Measured(bench.mean(), sem)
    metrics = {}
    for workload in ledger.WORKLOADS:
        for metric, spec in workload.derived:
            if spec[0] == "mean" and spec[1] in stats:
                metrics[metric] = stats[spec[1]]
            elif spec[0] == "ratio" and spec[1] in stats and spec[2] in stats:
                metrics[metric] = ratio(stats[spec[1]], stats[spec[2]])
    return metrics, gil_states - {None}


def _load_interpreter(folder):
    meta_path = os.path.join(folder, results_format.META)
    meta = _load_json(meta_path)
    _check_format(meta_path, meta)
    obs_path = os.path.join(folder, results_format.OBSERVATIONS)
    obs = _load_json(obs_path)
    _check_format(obs_path, obs)
    result = InterpreterResult(meta.get("id") or os.path.basename(folder), folder, meta,
                               errors=dict(obs.get("errors", {})))
    for key, value in obs.get("observations", {}).items():
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, (int, float)):
            result.metrics[key] = Measured(value)
    bench_path = os.path.join(folder, results_format.BENCH)
    if os.path.exists(bench_path):
        metrics, gil_states = _bench_metrics(bench_path)
        wanted = "1" if meta.get("gil_enabled") else "0"
        if gil_states - {wanted}:
            # An extension module can switch the GIL on in a free-threaded build at import:
            # timings taken that way do not describe the column they would be filed under.
            result.errors["gil-state"] = ("the run started with the GIL %s but pyperf workers ran with it %s; "
                                          "timings dropped" % ("on" if wanted == "1" else "off",
                                                               "off" if wanted == "1" else "on"))
        else:
            result.metrics.update(metrics)
    return result


def load(run_dir):
    """All interpreters of a run folder (or a single interpreter's folder)."""
    if not os.path.isdir(run_dir):
        raise ResultsError("results folder %s does not exist" % run_dir)
    if os.path.exists(os.path.join(run_dir, results_format.META)):
        folders = [run_dir]
    else:
        folders = sorted(os.path.join(run_dir, d) for d in os.listdir(run_dir)
                         if not d.startswith(".") and os.path.isfile(os.path.join(run_dir, d, results_format.META)))
    if not folders:
        raise ResultsError("%s holds no gilbench results (no <interpreter>/%s)" % (run_dir, results_format.META))
    loaded = [_load_interpreter(f) for f in folders]
    # Columns in version order (3.9 before 3.10), each GIL build before its free-threaded twin.
    return sorted(loaded, key=lambda r: (_version_key(r.meta.get("version")), bool(r.meta.get("free_threaded")),
                                         bool(r.meta.get("gil_enabled")), r.id))


def _version_key(version):
    try:
        return tuple(int(p) for p in str(version).split(".")[:3])
    except ValueError:
        return (0,)

"""Load a results folder, derive metrics, and judge the ledger on each interpreter.

Data flows one way: observations.json + bench.json -> metrics -> verdicts.  Every metric
comes from a file of the run; nothing here knows what a claim's answer should be.
"""
import dataclasses
import json
import math
import os
from dataclasses import dataclass, field
from typing import Dict

from bench import claims as _claims
from bench import evaluate as _evaluate
from bench import workloads as _workloads

FORMAT = 1


class ResultsError(Exception):
    """A results folder that cannot be read; the message is one line a person can act on."""


@dataclass
class InterpreterResult:
    id: str
    folder: str
    meta: dict
    metrics: Dict[str, _evaluate.Measured] = field(default_factory=dict)
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
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        got = data.get("format") if isinstance(data, dict) else None
        raise ResultsError("%s: results format %r, this gilbench reads format %d" % (path, got, FORMAT))


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
        stats[bench.get_name()] = _evaluate.Measured(bench.mean(), sem)
    metrics = {}
    for workload in _workloads.WORKLOADS:
        for metric, spec in workload.derived:
            if spec[0] == "mean" and spec[1] in stats:
                metrics[metric] = stats[spec[1]]
            elif spec[0] == "ratio" and spec[1] in stats and spec[2] in stats:
                metrics[metric] = _ratio(stats[spec[1]], stats[spec[2]])
    return metrics, gil_states - {None}


def _load_interpreter(folder):
    meta_path = os.path.join(folder, "meta.json")
    meta = _load_json(meta_path)
    _check_format(meta_path, meta)
    obs_path = os.path.join(folder, "observations.json")
    obs = _load_json(obs_path)
    _check_format(obs_path, obs)
    result = InterpreterResult(meta.get("id") or os.path.basename(folder), folder, meta,
                               errors=dict(obs.get("errors", {})))
    for key, value in obs.get("observations", {}).items():
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, (int, float)):
            result.metrics[key] = _evaluate.Measured(value)
    bench_path = os.path.join(folder, "bench.json")
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
    if os.path.exists(os.path.join(run_dir, "meta.json")):
        folders = [run_dir]
    else:
        folders = sorted(os.path.join(run_dir, d) for d in os.listdir(run_dir)
                         if not d.startswith(".") and os.path.isfile(os.path.join(run_dir, d, "meta.json")))
    if not folders:
        raise ResultsError("%s holds no gilbench results (no <interpreter>/meta.json)" % run_dir)
    loaded = [_load_interpreter(f) for f in folders]
    # Columns in version order (3.9 before 3.10), each GIL build before its free-threaded twin.
    return sorted(loaded, key=lambda r: (_version_key(r.meta.get("version")), bool(r.meta.get("free_threaded")),
                                         bool(r.meta.get("gil_enabled")), r.id))


def _version_key(version):
    try:
        return tuple(int(p) for p in str(version).split(".")[:3])
    except ValueError:
        return (0,)


def _facts(result):
    return {k: result.meta.get(k) for k in ("version", "gil_enabled", "free_threaded", "pymalloc", "cpus_usable")}


def _not_built_reason(claim):
    missing = [m for m in claim.metrics() if _workloads.producer(m) is None]
    if missing:
        return "no observation: the %s workload is not built yet (needs %s)" % (
            missing[0].split(".")[0], ", ".join(sorted(set(missing))))
    return None


def _ratio(a, b):
    """a / b, with both relative spreads propagated (independent samples)."""
    value = a.value / b.value
    return _evaluate.Measured(value, value * math.hypot(a.spread / a.value, b.spread / b.value))


def _cross_metrics(result, results):
    """Metrics that compare this column with its twin in the same run (same version)."""
    out = {}
    mine = result.metrics.get("fib.seconds")
    if mine is None:
        return out
    m = result.meta
    for other in results:
        theirs = other.metrics.get("fib.seconds")
        o = other.meta
        if other is result or theirs is None or o.get("version") != m.get("version"):
            continue
        ft, gil = (result, other) if m.get("free_threaded") else (other, result)
        if ft.meta.get("free_threaded") and not ft.meta.get("gil_enabled") and not gil.meta.get("free_threaded"):
            out["fib.free_threaded_over_gil"] = _ratio(ft.metrics["fib.seconds"], gil.metrics["fib.seconds"])
            out["fib.gil_over_free_threaded"] = _ratio(gil.metrics["fib.seconds"], ft.metrics["fib.seconds"])
        same_binary = m.get("free_threaded") and o.get("free_threaded") and \
            m.get("base_executable") == o.get("base_executable")
        if same_binary and m.get("gil_enabled") != o.get("gil_enabled"):
            on, off = (result, other) if m.get("gil_enabled") else (other, result)
            out["fib.gil_on_over_off"] = _ratio(on.metrics["fib.seconds"], off.metrics["fib.seconds"])
    return out


def _cross_verdict(claim, result, results):
    metrics = _cross_metrics(result, results)
    present = tuple(c for c in claim.checks if c.metric in metrics)
    if not present:
        return _evaluate.Verdict(
            claim.id, "not-measured",
            "needs fib timings of the GIL build and the free-threaded build of %s in the same run "
            "(gilbench matrix with both twins)" % result.meta.get("version"))
    return _evaluate.evaluate(dataclasses.replace(claim, checks=present), metrics, _facts(result))


def verdicts(results):
    """Every claim on every interpreter, as evaluate.Verdict objects keyed by interpreter id."""
    out = {}
    for result in results:
        row = []
        for claim in _claims.CLAIMS:
            if claim.scope == "cross":
                row.append(_cross_verdict(claim, result, results))
                continue
            reason = _not_built_reason(claim)
            if reason:
                row.append(_evaluate.Verdict(claim.id, "not-measured", reason))
                continue
            verdict = _evaluate.evaluate(claim, result.metrics, _facts(result))
            if verdict.verdict == "not-measured":
                failed = sorted({_workloads.producer(m).name for m in claim.metrics()} & set(result.errors))
                if failed:
                    verdict.why += " (workload %s failed: %s)" % (failed[0], result.errors[failed[0]])
                else:
                    verdict.why += " (its workload was not in this run's selection)"
            row.append(verdict)
        out[result.id] = row
    return out

"""Figures physics forbids are flagged as measurement problems, by one rule declared in the ledger."""
import pytest

from bench import ledger
from bench.judge import physics
from bench.judge.evaluate import evaluate
from bench.judge.stats import Measured
from bench.judge.verdicts import facts_of, verdicts
from bench.judge.load import InterpreterResult
from bench.ledger.bounds import speedup_bound
from bench.ledger.predictions import LedgerError
from bench.publish.model import cell_text

_GIL_ON = {"gil_enabled": True, "cpus_usable": 2}
_GIL_OFF = {"gil_enabled": False, "cpus_usable": 2}


def test_two_gil_on_threads_clearly_faster_than_one_worker_are_flagged():
    metrics = {"countdown.speedup.threads2_vs_worker": Measured(1.16, (1.07, 1.25), 6)}
    found = physics.problems(metrics, _GIL_ON)
    assert "x1 physics allows" in found["countdown.speedup.threads2_vs_worker"]
    # The same figure with the GIL off is two threads on two CPUs: allowed.
    assert physics.problems(metrics, _GIL_OFF) == {}


def test_a_speedup_above_the_usable_cpus_is_flagged_and_noise_is_not():
    found = physics.problems({"release.zlib.speedup4": Measured(2.69, (2.47, 2.94), 6)}, _GIL_ON)
    assert "on 2 usable CPUs" in found["release.zlib.speedup4"]
    # The interval reaches the bound: noise, not a problem.
    assert physics.problems({"release.zlib.speedup4": Measured(2.1, (1.9, 2.3), 6)}, _GIL_ON) == {}
    assert physics.problems({"release.zlib.speedup4": Measured(3.5, (3.2, 3.8), 6)},
                            {"gil_enabled": True, "cpus_usable": 4}) == {}


def test_a_bound_is_validated_and_every_bounded_metric_is_produced():
    with pytest.raises(LedgerError):
        speedup_bound("x.speedup1", 1)
    with pytest.raises(LedgerError):
        speedup_bound("x.speedup2", 2, serial="gil-onn")
    assert all(ledger.producer(m) is not None for m in ledger.PHYSICAL)
    # Only speedups against one worker are bounded: the note's main-thread baseline is another one.
    assert "countdown.speedup.threads2" not in ledger.PHYSICAL


def _column(speedup_low):
    meta = {"id": "3.11.2", "version": "3.11.2", "gil_enabled": True, "free_threaded": False, "cpus_usable": 2}
    result = InterpreterResult("3.11.2", "/nowhere", meta)
    result.metrics = {"countdown.ratio.threads2": Measured(0.86, (0.80, 0.93), 6),
                      "countdown.speedup.threads2_vs_worker": Measured(speedup_low + 0.1, (speedup_low, 1.3), 6)}
    return result


def test_a_claim_reading_a_forbidden_figure_is_flagged_in_its_cell_and_provisional():
    flagged = verdicts([_column(1.05)])["3.11.2"]["gil.countdown-threads-slower"]
    assert flagged.problems and flagged.provisional and "measurement problem" in flagged.why
    # The flagged figure is a context metric, not the one shown: the cell names it.
    assert cell_text(flagged).endswith("⚠ measurement problem in countdown.speedup.threads2_vs_worker")
    # The verdict itself is the evaluator's, not the flag's.
    column = _column(1.05)
    claim = ledger.get("gil.countdown-threads-slower")
    assert flagged.verdict == evaluate(claim, column.metrics, facts_of(column)).verdict
    plain = verdicts([_column(0.95)])["3.11.2"]["gil.countdown-threads-slower"]
    assert not plain.problems and "measurement problem" not in cell_text(plain)


def test_an_io_speedup_above_its_workers_is_flagged_whatever_the_cpus_and_the_gil():
    # 2 threads waiting 10 ms per call each cannot call more than twice as fast as one: seen on
    # 3.13.5t, x2.07 [2.03, 2.12] (2026-12-02).  Waiting takes no CPU: 16 on 2 CPUs is no problem.
    found = physics.problems({"io.speedup.threads2": Measured(2.07, (2.03, 2.12), 12)}, _GIL_OFF)
    assert "x2 physics allows" in found["io.speedup.threads2"]
    assert physics.problems({"io.speedup.threads16": Measured(15.1, (14.9, 15.3), 12)}, _GIL_ON) == {}
    assert physics.problems({"io.speedup.threads2": Measured(2.01, (1.96, 2.06), 12)}, _GIL_ON) == {}


def test_the_io_table_marks_a_flagged_speedup():
    from bench.publish import io_limits

    metrics = {("x", "io.speedup.threads2"): {"value": 2.07, "interval": [2.03, 2.12], "problem": "beyond"},
               ("x", "io.ceiling.threads"): {"value": 35.0, "interval": None}}
    (r,) = io_limits.rows(metrics, {"x": {"free_threaded": True, "gil_enabled": False, "cpu_count": 2}}, ["x"])
    assert io_limits._speedup_cell(r["points"][0]).endswith("⚠ measurement problem")

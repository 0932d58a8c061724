"""Demos end with the claims they show, judged by the ledger on the demo's own observe()."""
import pytest

from bench.cli import demo
from demos import _util, race


def test_every_demo_names_the_claims_it_shows():
    for name in demo.names():
        assert demo.claims_of(name), name


def test_race_claims_are_judged_on_its_observe():
    observations = race.observe(trials=4, n=2000, big_n=2000, big_trials=2, small_trials=2, call_trials=4, fix_trials=2)
    text = demo.conclusion("race", observations)
    lines = text.splitlines()
    assert lines[0].startswith("the claims this demo shows, judged by gilbench's ledger")
    # race-gone-3.10 applies to every build (race-reproducible only where the GIL is on)
    row = next(line for line in lines if line.strip().startswith("gil.race-gone-3.10"))
    # a verdict word and the count it turned on, never "needs a full run": observe() gives every metric
    assert "needs a full run" not in row and "/4" in row


def test_claims_that_need_timings_or_other_columns_say_so():
    judged = dict((c.id, ok) for c, ok in demo.claims_of("countdown"))
    assert judged["gil.one-thread-at-a-time"] is False  # the machine's parallelism comes from pyperf's timings
    text = demo.conclusion("countdown", {"countdown.cpu_per_wall.threads2_samples": [1.0, 1.0, 1.0]})
    assert "needs a full run" in text and "gilbench run --only countdown" in text
    fib = demo.conclusion("fib", {})
    assert "compares interpreters: needs a matrix" in fib


@pytest.mark.parametrize("ratio,time_text,speedup_text", [(2.2, "x2.20 slower", "x2.20 faster"),
                                                          (0.5, "x2.00 faster", "x2.00 slower"),
                                                          (1.0, "x1.00 (the same)", "x1.00 (the same)")])
def test_ratios_say_which_way(ratio, time_text, speedup_text):
    assert _util.times(ratio) == time_text  # a ratio of times: above 1 is slower
    assert _util.times(ratio, above="faster", below="slower") == speedup_text  # a speed-up: above 1 is faster

"""How a derived metric is made from a run's timings or a demo's observations: the spec tuples the
ledger's workloads declare (``Workload.derived``) and ``bench.judge.load`` reads."""


def mean(benchmark):
    """The mean time of one pyperf benchmark (interval over its runs, one per round)."""
    return ("mean", benchmark)


def ratio(numerator, denominator):
    """Two pyperf benchmarks of the same run, paired round by round (interval from the pairs)."""
    return ("ratio", numerator, denominator)


def parallel_share(base, parallel, machine):
    """The share of the machine's parallel gain that ``parallel`` reaches, per round:
    (base/parallel - 1) / (base/machine - 1).  About 0 when one thread runs at a time, about 1
    when threads use the cores as well as processes do."""
    return ("parallel_share", base, parallel, machine)


def count(events_key, trials_key):
    """``events`` of ``trials`` observed by a demo, judged with an exact binomial interval."""
    return ("count", events_key, trials_key)


def samples(key):
    """A demo's list of per-pair ratios (each pair measured back to back); interval from the pairs."""
    return ("samples", key)


def sample_mean(key, negligible=0.0):
    """A demo's list of repeated measurements of one quantity; t-interval of their mean.

    ``negligible``: for a share, a level set here, in the ledger, at or below which a reading counts
    as "stopped" (a counter that moved by a hair; where it came from is said where it is set): the mean's upper bound is then taken on the share
    of readings above it (bench.judge.stats, the tau rule), not on the share of readings above 0."""
    return ("sample_mean", key, negligible)


def bounds(low_key, high_key):
    """A quantity a demo could only bound: what it certainly is at least and at most (two numbers it
    observes), shown as [low, high]; bounds that hold under the probe's stated assumptions, not a 95% interval."""
    return ("bounds", low_key, high_key)


# The derived kinds made from a demo's own observations (the others come from pyperf's timings).
FROM_OBSERVATIONS = ("count", "samples", "sample_mean", "bounds")


# The observation keys each kind of derived metric reads (the rest of a spec is benchmarks or, for
# sample_mean, its negligible level).
_OBSERVED_KEYS = {"count": slice(1, 3), "bounds": slice(1, 3), "samples": slice(1, 2), "sample_mean": slice(1, 2)}


def observed_keys(spec):
    """The demo observations a derived metric is made from: () for one made from timings."""
    where = _OBSERVED_KEYS.get(spec[0])
    return tuple(spec[where]) if where else ()

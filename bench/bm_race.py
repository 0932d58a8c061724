"""pyperf: the cost of the note's racing threads and of its fixes (n=100,000 per thread)."""
import time

from bench._meta import make_runner
from demos import race

_N = 100_000
_NAMES = (
    ("race[mutex=none]", "none"),
    ("race[mutex=around-loop]", "around-loop"),
    ("race[mutex=per-iteration]", "per-iteration"),
    ("race[fix=join]", "join"),
)


def _time_race(loops, variant):
    start = time.perf_counter()
    for _ in range(loops):
        race.run_race(_N, variant)
    return time.perf_counter() - start


def main():
    runner = make_runner()
    runner.metadata["race_n"] = _N
    for name, variant in _NAMES:
        runner.bench_time_func(name, _time_race, variant)


if __name__ == "__main__":
    main()

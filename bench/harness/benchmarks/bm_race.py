"""pyperf: the cost of the note's racing threads and of its fixes (n=100,000 per thread)."""
from bench.harness.pyperf_script import bench_all, make_runner
from demos import race

_N = 100_000
_NAMES = (
    ("race[mutex=none]", "none"),
    ("race[mutex=around-loop]", "around-loop"),
    ("race[mutex=per-iteration]", "per-iteration"),
    ("race[fix=join]", "join"),
)


def main():
    runner = make_runner()
    runner.metadata["race_n"] = _N
    bench_all(runner, [(name, race.run_race, _N, variant) for name, variant in _NAMES])


if __name__ == "__main__":
    main()

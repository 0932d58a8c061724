"""pyperf: the cost of the note's racing threads and of its mutex fixes (n=100,000 per thread).

The join fix is judged by its count of races (the demo's), not timed: no metric read its timing."""
from bench.harness.pyperf_script import bench_all, grid, make_runner
from demos import race

_N = 100_000


def main():
    runner = make_runner("race")
    runner.metadata["race_n"] = _N
    benchmarks = grid("race")
    bench_all(runner, [(benchmarks.name(p), race.run_race, _N, p["mutex"]) for p in benchmarks.points()])


if __name__ == "__main__":
    main()

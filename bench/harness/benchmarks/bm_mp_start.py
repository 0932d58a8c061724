"""pyperf: a process's start latency per start method, from Process.start() to the child's first
instruction of its target (the join that follows is not timed)."""
import multiprocessing

from bench.harness.pyperf_script import bench_all_self_timed, grid, make_runner
from demos import mp_start


def main():
    runner = make_runner("mp_start")
    benchmarks = grid("mp_start")
    # The methods of the grid that this platform offers, in the order it lists them.
    points = {p["method"]: p for p in benchmarks.points()}
    bench_all_self_timed(runner, [(benchmarks.name(points[method]), mp_start.time_start_latency, method)
                                  for method in multiprocessing.get_all_start_methods() if method in points])


if __name__ == "__main__":
    main()

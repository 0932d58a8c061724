"""pyperf: a process's start latency per start method, from Process.start() to the child's first
instruction of its target (the join that follows is not timed)."""
import multiprocessing

from bench.harness.pyperf_script import bench_all_self_timed, make_runner
from demos import mp_start


def main():
    runner = make_runner()
    runner.metadata["mp_start_method"] = multiprocessing.get_start_method()
    bench_all_self_timed(runner, [("mp_start[method=%s]" % method, mp_start.time_start_latency, method)
                                  for method in multiprocessing.get_all_start_methods()])


if __name__ == "__main__":
    main()

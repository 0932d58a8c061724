"""pyperf: round trips through an echo child over a Pipe and over a Queue, messages of 16 B, 16 KiB, 1 MiB
(the mp_ipc workload's grid)."""
from bench.harness.pyperf_script import bench_all, grid, make_runner
from demos import mp_ipc

# Round trips per timed call, so that every size takes some milliseconds.
_TRIPS = {16: 100, 16 * 1024: 50, 1024 * 1024: 2}
_ECHOES = {}


def _roundtrips(kind, size, count):
    # One echo child per benchmark, started on its first call (pyperf's warm-up, not kept; the pyperf
    # manager, which times nothing, starts none) and stopped once the benchmark is timed: a Queue's
    # feeder thread must not be alive when the next benchmark forks its echo.
    if kind not in _ECHOES:
        _ECHOES[kind] = mp_ipc.Echo(kind).__enter__()
    mp_ipc.roundtrips(_ECHOES[kind], size, count)


def _stop_echoes(_func=None):
    while _ECHOES:
        _ECHOES.popitem()[1].__exit__(None, None, None)


def main():
    runner = make_runner("mp_ipc")
    benchmarks = grid("mp_ipc")
    try:
        bench_all(runner, [(benchmarks.name(p), _roundtrips, p["channel"], p["size"], _TRIPS[p["size"]])
                           for p in benchmarks.points()], after=_stop_echoes)
    finally:
        _stop_echoes()


if __name__ == "__main__":
    main()

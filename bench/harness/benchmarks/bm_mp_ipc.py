"""pyperf: round trips through an echo child over a Pipe and over a Queue, messages of 16 B, 16 KiB, 1 MiB
(the mp_ipc workload's grid)."""
from bench.harness.pyperf_script import bench_all, grid, make_runner
from demos import mp_ipc

# Round trips per timed call, so that every size takes some milliseconds.
_TRIPS = {16: 100, 16 * 1024: 50, 1024 * 1024: 2}
_ECHOES = {}


def _roundtrips(kind, size, count):
    # One echo child per kind and worker process, started on first use (so the pyperf manager,
    # which times nothing, starts none) and stopped when the script ends.
    if kind not in _ECHOES:
        _ECHOES[kind] = mp_ipc.Echo(kind).__enter__()
    mp_ipc.roundtrips(_ECHOES[kind], size, count)


def main():
    runner = make_runner("mp_ipc")
    benchmarks = grid("mp_ipc")
    try:
        bench_all(runner, [(benchmarks.name(p), _roundtrips, p["channel"], p["size"], _TRIPS[p["size"]])
                           for p in benchmarks.points()])
    finally:
        while _ECHOES:
            _ECHOES.popitem()[1].__exit__(None, None, None)


if __name__ == "__main__":
    main()

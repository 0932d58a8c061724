"""pyperf: round trips through an echo child over a Pipe and over a Queue, messages of 16 B, 16 KiB, 1 MiB."""
import multiprocessing

from bench.harness.pyperf_script import bench_all, make_runner
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
    runner = make_runner()
    runner.metadata["mp_start_method"] = multiprocessing.get_start_method()
    try:
        bench_all(runner, [("mp_ipc[%s,size=%d]" % (kind, size), _roundtrips, kind, size, trips)
                           for kind in ("pipe", "queue") for size, trips in sorted(_TRIPS.items())])
    finally:
        while _ECHOES:
            _ECHOES.popitem()[1].__exit__(None, None, None)


if __name__ == "__main__":
    main()

"""pyperf: Pool(4).imap over 2,000 numbers at the chunksizes of the mp_pool workload's grid (1, the
default, 10, 100 and 1000)."""
import multiprocessing

from bench.harness.pyperf_script import bench_all, grid, make_runner
from demos import mp_pool

_N = 2000
_POOL = []


def _imap(n, chunksize):
    if not _POOL:  # started on first use; terminated when the script ends
        _POOL.append(multiprocessing.Pool(processes=4))
    mp_pool.imap_consume(_POOL[0], n, chunksize)


def main():
    runner = make_runner("mp_pool")
    benchmarks = grid("mp_pool")
    try:
        bench_all(runner, [(benchmarks.name(p), _imap, _N, p["chunksize"]) for p in benchmarks.points()])
    finally:
        for pool in _POOL:
            pool.terminate()
            pool.join()


if __name__ == "__main__":
    main()

"""pyperf: Pool(4).imap over 2,000 numbers at chunksize 1 (the default), 10, 100 and 1000."""
import multiprocessing

from bench.harness.pyperf_script import bench_all, make_runner
from demos import mp_pool

_N = 2000
_POOL = []


def _imap(n, chunksize):
    if not _POOL:  # started on first use; terminated when the script ends
        _POOL.append(multiprocessing.Pool(processes=4))
    mp_pool.imap_consume(_POOL[0], n, chunksize)


def main():
    runner = make_runner()
    runner.metadata["mp_start_method"] = multiprocessing.get_start_method()
    try:
        bench_all(runner, [("mp_imap[chunksize=%d]" % c, _imap, _N, c) for c in (1, 10, 100, 1000)])
    finally:
        for pool in _POOL:
            pool.terminate()
            pool.join()


if __name__ == "__main__":
    main()

"""pyperf: increments of a shared Value (under its lock) vs of a Manager Namespace attribute (through its proxy)."""
import multiprocessing

from bench.harness.pyperf_script import bench_all, grid, make_runner
from demos import mp_shared

_OPS = 300
_SHARED = {}


def _value(n):
    if "value" not in _SHARED:
        _SHARED["value"] = multiprocessing.Value("i", 0)
    mp_shared.increment_value(_SHARED["value"], n)


def _proxy(n):
    # The manager's server process is started on first use and shut down when the script ends.
    if "ns" not in _SHARED:
        _SHARED["manager"] = multiprocessing.Manager()
        _SHARED["ns"] = _SHARED["manager"].Namespace(count=0)
    mp_shared.increment_proxy(_SHARED["ns"], n)


def main():
    runner = make_runner("mp_shared")
    timed = {"value": _value, "manager-proxy": _proxy}
    benchmarks = grid("mp_shared")
    try:
        bench_all(runner, [(benchmarks.name(p), timed[p["state"]], _OPS) for p in benchmarks.points()],
                  after=_stop_manager)
    finally:
        _stop_manager()


def _stop_manager(_func=None):
    # Once its benchmark is timed: the manager's server process is not left beside the next timing.
    _SHARED.pop("ns", None)
    if "manager" in _SHARED:
        _SHARED.pop("manager").shutdown()


if __name__ == "__main__":
    main()

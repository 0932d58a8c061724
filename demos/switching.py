"""How often does the interpreter switch between two busy threads, and does setswitchinterval set it?

The note says switches happen only between bytecodes, and how often they happen depends on
`sys.setswitchinterval()`. Two threads spin for a fixed time; each counts the iterations in which
it finds that the other thread was the last one to run (a hand-over it can see).
"""
import sys
import time

from demos._util import print_header, run_in_threads, switch_interval

owner = None


def spin(me, deadline, counts):
    global owner
    switches = 0
    clock = time.perf_counter
    while clock() < deadline:
        if owner is not me:
            owner = me
            switches += 1
    counts[me] = switches


def switch_rate(duration):
    """Hand-overs per second between two spinning threads at the current switch interval."""
    global owner
    owner = None
    counts = [0, 0]
    start = time.perf_counter()
    deadline = start + duration
    # Small ints 0 and 1 are cached singletons, so `owner is not me` compares identities safely.
    run_in_threads([(spin, (0, deadline, counts)), (spin, (1, deadline, counts))])
    elapsed = time.perf_counter() - start
    return sum(counts) / max(elapsed, 1e-9)


def observe(duration=0.25, small_interval=0.0005):
    default_interval = sys.getswitchinterval()
    rate_default = switch_rate(duration)
    with switch_interval(small_interval):
        rate_small = switch_rate(duration)
    return {
        "switch.default_interval": default_interval,
        "switch.small_interval": small_interval,
        "switch.rate_default": rate_default,
        "switch.rate_small": rate_small,
        "switch.rate_gain": rate_small / max(rate_default, 1e-9),
    }


def main():
    print_header("Thread switching and sys.setswitchinterval (note section: GIL)")
    print("the note says: threads switch only between bytecodes; how often is set by")
    print("               sys.setswitchinterval() (the note gives no figure; CPython's default is 0.005 s).")
    print()
    r = observe()
    print("measured here:")
    print("  interval %.4f s (default): %8.0f hand-overs/s (at most 1/interval = %.0f expected with a GIL)"
          % (r["switch.default_interval"], r["switch.rate_default"], 1 / r["switch.default_interval"]))
    print("  interval %.4f s          : %8.0f hand-overs/s (at most %.0f expected)"
          % (r["switch.small_interval"], r["switch.rate_small"], 1 / r["switch.small_interval"]))
    print("  a %.0fx smaller interval gave %.1fx more hand-overs"
          % (r["switch.default_interval"] / r["switch.small_interval"], r["switch.rate_gain"]))
    print()
    print("without a GIL (free-threaded build) both threads run at once; the count then measures")
    print("how often two cores overwrite one global, and the interval no longer governs it.")


if __name__ == "__main__":
    main()

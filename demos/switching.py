"""How often does the interpreter switch between two busy threads, and does setswitchinterval set it?

The note says switches happen only between bytecodes, and how often they happen depends on
`sys.setswitchinterval()`. Two threads spin for a fixed time; each counts the iterations in which
it finds that the other thread was the last one to run (a hand-over it can see).
"""
import statistics
import sys
import time

from demos._util import conclude, print_header, run_in_threads, switch_interval

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


def observe(duration=0.1, small_interval=0.0005, rounds=5):
    """Hand-over rates at the default and at a small interval, measured in alternating pairs.

    Each round measures both intervals back to back, in alternating order, so the machine's
    drift cancels in the per-pair gain; ``switch.rate_gain_pairs`` keeps every pair's gain.
    """
    default_interval = sys.getswitchinterval()
    defaults, smalls = [], []
    for i in range(rounds):
        for small in ((True, False) if i % 2 else (False, True)):
            if small:
                with switch_interval(small_interval):
                    smalls.append(switch_rate(duration))
            else:
                defaults.append(switch_rate(duration))
    gains = [s / max(d, 1e-9) for s, d in zip(smalls, defaults)]
    return {
        "switch.default_interval": default_interval,
        "switch.small_interval": small_interval,
        "switch.rate_default": statistics.median(defaults),
        "switch.rate_small": statistics.median(smalls),
        "switch.rate_gain": statistics.median(gains),
        "switch.rate_gain_pairs": gains,
        "switch.rounds": rounds,
        "switch.seconds_per_rate": duration,
    }


def main():
    print_header("Thread switching and sys.setswitchinterval (note section: GIL)")
    print("the note says: threads switch only between bytecodes; how often is set by")
    print("               sys.setswitchinterval() (the note gives no figure; CPython's default is 0.005 s).")
    print()
    r = observe()
    print("measured here (medians of %d rounds, each interval for %.2f s per round):"
          % (r["switch.rounds"], r["switch.seconds_per_rate"]))
    print("  interval %.4f s (default): %8.0f hand-overs/s (at most 1/interval = %.0f expected with a GIL)"
          % (r["switch.default_interval"], r["switch.rate_default"], 1 / r["switch.default_interval"]))
    print("  interval %.4f s          : %8.0f hand-overs/s (at most %.0f expected)"
          % (r["switch.small_interval"], r["switch.rate_small"], 1 / r["switch.small_interval"]))
    gains = sorted(r["switch.rate_gain_pairs"])
    print("  a %.0fx smaller interval gave %.1fx more hand-overs (median of %d alternating pairs, %.1fx..%.1fx)"
          % (r["switch.default_interval"] / r["switch.small_interval"], r["switch.rate_gain"], len(gains),
             gains[0], gains[-1]))
    print()
    print("without a GIL (free-threaded build) both threads run at once; the count then measures")
    print("how often two cores overwrite one global, and the interval no longer governs it.")
    conclude("switching", r)


if __name__ == "__main__":
    main()

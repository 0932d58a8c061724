"""Why Python is slow (CLAIMS.md section 3): its claims and the workloads that measure them."""
from bench.ledger.derived import mean, ratio
from bench.ledger.vocabulary import Check, Claim, Headline, Workload, grid

_SECTION = "Python은 왜 느린가?"

CLAIMS = (
    Claim("slow.dynamic-typing", "slow", _SECTION,
          "Every operation looks up its operands' types at run time, so a + b costs far more than in C.",
          # "Far more" read as at least x2, the bar mp.imap-chunksize uses for "greatly".  The C side still
          # reads boxed ints, so the ratio is a lower bound of the gap to C arithmetic: it can show "more",
          # not refute a larger factor (an earlier ledger's x10 had no such footing and was dropped).
          "dynamic typing", (Check("slow.python_over_c_sum", "above(2.0)"),),
          context=("slow.python_loop_s", "slow.builtin_sum_s"),
          departs="The C side is sum() over the same list of 500,000 ints (its loop runs in C, adding machine "
                  "integers while they fit, but still reading each boxed int); the Python side is total = total + x "
                  "in a for loop. Paired pyperf rounds. The ratio is a lower bound of the cost over C arithmetic; "
                  "'far more' is judged as at least x2.",
          headline=Headline("slow.python_over_c_sum", "x (ratio)",
                            "time of total = total + x in a Python loop over sum() of the same list (its loop in C): "
                            "1 = as fast as the C loop, higher = each a + b costs more")),
    Claim("slow.boxed-ints", "slow", _SECTION, "There are no primitive values: an int is a full object behind a pointer.",
          "primitive", (Check("slow.bytes_per_int_list_over_array", "above(2.0)"),),
          context=("slow.int_size_bytes", "slow.small_int_size_bytes", "slow.bytes_per_int_list",
                   "slow.bytes_per_int_array"),
          departs="Bytes per element from tracemalloc (what the allocator was asked for): a list of 200,000 "
                  "distinct ints against array('q') of as many.",
          headline=Headline("slow.bytes_per_int_list_over_array", "x (ratio)",
                            "bytes per int in a list over bytes per int in array('q'): 1 = as compact as machine "
                            "integers, higher = each int is an object behind a pointer")),
)

# ``total = total + x`` in a Python loop against ``sum()`` over the same list (its loop in C).
_ADD = grid("add", {"loop": ("python-loop", "builtin-sum")}, bare=("loop",))
_PYTHON_LOOP, _BUILTIN_SUM = _ADD.names()

# The keys each workload's observe() returns (on any interpreter: some only on some builds);
# bench.ledger.producer() finds a metric's workload among them and the derived metrics.
_OBSERVED_BOXING = (
    "slow.array_item_bytes", "slow.bytes_per_int_array", "slow.bytes_per_int_list",
    "slow.bytes_per_int_list_over_array", "slow.int_size_bytes", "slow.one_pass.ns_per_add_builtin",
    "slow.one_pass.ns_per_add_python", "slow.small_int_size_bytes",
)

WORKLOADS = (
    Workload(
        "boxing", "slow", "slow.", observes=_OBSERVED_BOXING, demo="demos.boxing", script="bm_slow.py",
        derived=(
            ("slow.python_over_c_sum", ratio(_PYTHON_LOOP, _BUILTIN_SUM)),
            ("slow.python_loop_s", mean(_PYTHON_LOOP)),
            ("slow.builtin_sum_s", mean(_BUILTIN_SUM)),
        ),
        grid=_ADD,
    ),
)

"""Why Python is slow (CLAIMS.md section 3). Judged once the memory chapter's workloads are
built; until then every claim here is ``not-measured``."""
from bench.ledger.vocabulary import Check, Claim

_SECTION = "Python은 왜 느린가?"

CLAIMS = (
    Claim("slow.dynamic-typing", "slow", _SECTION,
          "Every operation looks up its operands' types at run time, so a + b costs far more than in C.",
          "dynamic typing", (Check("slow.python_over_c_sum", "above(10.0)"),)),
    Claim("slow.boxed-ints", "slow", _SECTION, "There are no primitive values: an int is a full object behind a pointer.",
          "primitive", (Check("slow.bytes_per_int_list_over_array", "above(2.0)"),)),
)

# No workload measures this chapter yet: its claims are not-measured, and say so.
WORKLOADS = ()

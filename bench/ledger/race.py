"""The note's race in the ledger: the rates its count claims are decided at, the version its
scope names, and the keys ``demos.race.observe()`` returns (``bench.ledger.gil`` writes the claims and
the workload from them).  Python 3.9, stdlib only (the measured interpreters import the ledger)."""

# Rates the count claims are decided at: "never" holds once the 95% upper bound of the rate is
# below it.  1% for the note's own code (the claim is about it); 5% for the variants, which run
# slower and so get fewer trials.
NOTE_RATE = "0.01"
# The version from which the note says its race is gone: the checks' conditions and the race
# workload's run-until-seen (before it only) name it once.
NOTE_SCOPE = "3.10"
NOTE_UNTIL_SEEN = {"note_until_seen": 3000, "note_until_seen_before": NOTE_SCOPE}
# Before it, "it does happen" holds on one race and is contradicted only by 0 of 3000 (the trials
# the race runs on to), which bound the rate below 0.0998%: the rate the check says is that one.
NOTE_RATE_BEFORE = "0.001"
VARIANT_RATE = "0.05"

# A fix is shown only where the unfixed code fails in the same run: a fix's count is judged against
# the control's (x = x + one() at a tiny switch interval, which races on every build) by a one-sided
# Fisher exact test at this level; one race with the fix contradicts it.
FIX_LEVEL = "0.05"
CONTROL = "race.control.races"


# The keys the race's observe() returns; bench.ledger.producer() finds a metric's workload among them.
RACE_COUNTS = ("note", "big_n", "small_interval", "call", "control", "fix_join", "fix_mutex", "fix_mutex_per_iter")
OBSERVED_RACE = tuple(sorted(
    ["race.default_interval", "race.fix_body", "race.rounds", "race.fresh_processes", "race.small_interval.interval",
     "race.control.interval", "race.note.until_seen", "race.note.extra_rounds"]
    + ["race.%s.%s" % (key, field) for key in RACE_COUNTS
       for field in ("n", "nonzero", "trials", "nonzero_by_round", "trials_by_round")]
    + ["race.%s.%s" % (key, field) for key in RACE_COUNTS if not key.startswith("fix_")
       for field in ("max_abs", "share_nonzero")]))

"""The report model: results folders loaded, merged and judged, then laid out once as typed data.

``build(run_dirs, chapters, claims)`` is the one way in: load and merge (``merge``), judge
(``merge.judge``: each host on its own columns), then a ``Report``: its columns, one row per claim
with a cell per column (the cell's text as the Markdown shows it), every metric, pyperf's timings,
each column's observations, the legend, and the verdict words' marks (``Vocabulary``).  Every
renderer (``markdown``, ``report_json``, ``html``, ``charts``, ``readme``) reads the model or the
JSON dict made from it; none imports the judge or the ledger (an import contract in .importlinter
says so; its types are in ``model_types``).  This is the only module of ``bench.publish`` besides
the loaders (``merge``, ``report_migrate``) that does.
"""
import json
import os
from bench import ledger
from bench.harness import host, results_format
from bench.judge import physics
from bench.judge.verdicts import facts_of
from bench.judge.load import ResultsError  # noqa: F401  (the error every entry point shows as one line)
from bench.ledger import versions
from bench.harness.selection import ROUNDS
from bench.judge import stats
from bench.judge.evaluate import PARALLEL_MACHINE_SPEEDUP
from bench.ledger.vocabulary import Verdict
from bench.publish import machines, merge
from bench.publish.model_types import (Cell, Change, ChapterTimes, Column, Metric, Question, Report, Row, Style,
                                       Timing, VerdictRow, Vocabulary)
from bench.publish.text import describe_value, json_interval, json_number

VOCABULARY = Vocabulary({v.value: Style(v.value, v.mark, v.html_mark, v.css, v.decisive, v.legend, v.format2_legend)
                         for v in Verdict}, Verdict.NOT_MEASURED.value, Verdict.INCONCLUSIVE.value,
                        Verdict.WITHIN_NOISE.value, Verdict.HOLDS.value, Verdict.CONTRADICTED.value)


# The page summary's first question (issue 18) and the claims that answer it; the page answers it from
# their verdicts on GIL-on and GIL-off columns (the other questions it derives from the table alone).
QUESTIONS = (("Do GIL builds serialise CPU-bound threads?", ("gil.one-thread-at-a-time", "gil.threads-no-benefit")),)


def _questions(rows):
    """The QUESTIONS whose claims the report shows (``ledger.get``: a renamed claim fails here, not on a page)."""
    shown = {r.claim for r in rows}
    out = [Question(q, [c for c in (ledger.get(i).id for i in ids) if c in shown]) for q, ids in QUESTIONS]
    return [q for q in out if q.claims]


# --- the claims and workloads a selection shows ----------------------------------------------

def _claims(chapters, claims=None):
    """The claims a report shows: those of the chosen chapters, or the claims named (ids)."""
    if claims:
        return [c for c in ledger.CLAIMS if c.id in claims]
    return [c for c in ledger.CLAIMS if not chapters or c.chapter in chapters]


def _workloads(chapters, claims=None):
    """Names of the workloads of the selected chapters, or that the named claims need (None: all)."""
    if claims:
        return {w.name for c in _claims(None, claims) for w in ledger.workloads_of(c)}
    return {w.name for w in ledger.WORKLOADS if w.chapter in chapters} if chapters else None


# --- columns ---------------------------------------------------------------------------------

def _column(result):
    m = result.meta
    if m.get("free_threaded"):
        build = "free-threaded, GIL %s at run time" % ("ON" if m.get("gil_enabled") else "off")
    else:
        build = "GIL build"
    return Column(
        id=m.get("id") or os.path.basename(result.folder), column=result.id, host=merge.host_of(result),
        version=m.get("version"), build=build, executable=m.get("executable"),
        free_threaded=m.get("free_threaded"), gil_enabled=m.get("gil_enabled"),
        python_gil_env=m.get("python_gil_env"), configure_flags=m.get("configure_flags"),
        cpu_count=m.get("cpu_count"), mode=m.get("mode"), io_backend=m.get("io_backend"),
        started=m.get("started"), errors=result.errors, dropped=result.dropped,
        rounds=m.get("rounds"), load_start=m.get("load_start"), load_end=m.get("load_end"),
        compiler=m.get("compiler"), mp_start_method=m.get("mp_start_method"),
        results_format=m.get("recorded_format"), ledger=m.get("ledger"), measured=m.get("measured"),
        cpu_model=m.get("cpu_model"), platform=m.get("platform"), libraries=m.get("libraries"),
        source=m.get("source"))


# --- the claim rows: cells and "when did it stop being true" -------------------------------------

def _headline_words(claim):
    headline = getattr(claim, "headline", None) if claim is not None else None
    return (headline.unit, tuple(getattr(headline, "words", ()) or ())) if headline else (None, ())


def _in_words(v):
    """True for a cell settled without its measurement, which says why in words (Verdict.words)."""
    return bool(v.words) and Verdict(v.verdict) in (Verdict.NA, Verdict.INCONCLUSIVE)


def shown_text(v, claim=None):
    """What a cell shows after its mark: the row's one quantity, spelled in its unit, or words.

    A cell settled without its measurement (n/a, a failed precondition) says why in words and shows no
    number ("machine x1.2 on 2 processes", "precondition failed: race.call.races = 0/40"): a value
    there would be another quantity than its neighbours', or one the claim is not about.  Otherwise
    the claim's headline metric as measured in this column, whichever check decided the verdict
    (a verdict without a headline: the value it turned on); * = provisional."""
    if _in_words(v):
        return v.words
    if Verdict(v.verdict) == Verdict.NOT_MEASURED:
        return ""  # the claim was not judged here: a value its headline had would read as a result
    shown = v.headline or ({"value": v.value, "interval": v.interval, "n": v.n, "events": v.events}
                           if v.value is not None else None)
    if shown is None or shown["value"] is None:
        return ""
    unit, words = _headline_words(claim) if v.headline else (None, ())
    return describe_value(shown["value"], shown["interval"], shown["n"], shown["events"], unit, words) + (
        "*" if v.provisional else "")


def cell_text(v, claim=None):
    """A cell as a person reads it in Markdown: the mark, then ``shown_text`` ("n/a: GIL on here",
    "holds 16 KiB", "holds x1.9 faster [1.8, 2.0]*")."""
    mark, shown = Verdict(v.verdict).mark, shown_text(v, claim)
    # A figure of the row that physics forbids here (bench.judge.physics): flagged, never hidden.
    # Named where the flagged figure is not the one shown (a context metric of the claim).
    problems = sorted(getattr(v, "problems", None) or ())
    shown_metric = (v.headline or {}).get("metric")
    flag = ((" ⚠ measurement problem" + ("" if problems == [shown_metric] else " in " + ", ".join(problems)))
            if problems else "")
    if not shown:
        return mark + flag
    return "%s%s%s%s" % (mark, ": " if _in_words(v) else " ", shown, flag)


def _cell(v, claim=None):
    # The row's one quantity, as cell_text shows it: the headline metric's value where it was measured;
    # none where the cell says in words why it shows none.
    h = v.headline if v.headline and v.headline["value"] is not None else None
    value, interval, n, events = ((h["value"], h["interval"], h["n"], h["events"]) if h
                                  else (v.value, v.interval, v.n, v.events))
    if _in_words(v) or Verdict(v.verdict) == Verdict.NOT_MEASURED:
        value, interval, n, events = None, None, None, None
    return Cell(Verdict(v.verdict).value, json_number(value), json_interval(interval), n, v.provisional, v.why, events,
                cell_text(v, claim), shown_text(v, claim), "; ".join(v.problems.values()) or None)


def _minor(meta):
    """(major, minor) of a column's version, (0, 0) when unreadable."""
    return versions.sort_key(meta.get("version"))[:2]


def _change_between(claim, before, after):
    """The ledger's change that explains a verdict change from column ``before`` to ``after``, or None.

    Changes made in (before's version, after's version]; between two builds of one version (a GIL
    build and its free-threaded twin), a change of that version.  The latest wins: the ledger lists
    them oldest first.
    """
    lo, hi = _minor(before.meta), _minor(after.meta)
    found = None
    for change in claim.changes:
        v = versions.minor(change.version)
        if lo < v <= hi or (lo == hi == v):
            found = change
    return found


def changed_at(claim, results, table):
    """(last column of the first decisive verdict, the column where it first differs, the ledger's change).

    Walking one host's columns in version order, a claim changes where a decisive verdict (holds,
    contradicted, partly) differs from the first decisive verdict before it.  Undecided,
    within-noise, n/a and not-measured cells say nothing about the claim's truth, so they neither
    start nor end a run; a flip between two noisy cells is never reported as a change.
    (None, None, None) when no host's columns show a change.
    """
    for host in sorted({merge.host_of(r) for r in results}):
        first, last = None, None
        for r in (r for r in results if merge.host_of(r) == host):
            verdict = table[r.id][claim.id].verdict
            if not Verdict(verdict).decisive:
                continue
            if first is not None and verdict != first:
                return last.id, r.id, _change_between(claim, last, r)
            first, last = verdict, r
    return None, None, None


def _row(claim, results, table):
    before, column, change = changed_at(claim, results, table)
    return Row(claim.id, claim.chapter, claim.section, claim.claim, claim.note_figure,
               {r.id: _cell(table[r.id][claim.id], claim) for r in results}, column, before,
               Change(change.version, change.what, change.reference) if change else None,
               claim.headline.unit if claim.headline else None, claim.phrase)


def _verdict_row(result, claim, v):
    return VerdictRow(v.claim, result.id, Verdict(v.verdict).value, json_number(v.value),
                      json_number((v.interval[1] - v.interval[0]) / 2) if v.interval else None,
                      json_interval(v.interval), v.n, v.provisional, v.events, v.metric, v.method, claim.note_figure,
                      v.why, v.evidence,
                      v.headline and dict(v.headline, value=json_number(v.headline["value"]),
                                          interval=json_interval(v.headline["interval"])))


# --- metrics and timings ---------------------------------------------------------------------

def _metric(column, name, m, problem=None):
    return Metric(column, name, json_number(m.value), json_interval(m.interval), m.n, m.method, m.events, problem)


def _metrics(results, table, shown, keep):
    rows = []
    for result in results:
        found = physics.problems(result.metrics, facts_of(result))
        for name in sorted(result.metrics):
            producer = ledger.producer(name)
            if keep is None or (producer is not None and producer.name in keep):
                rows.append(_metric(result.id, name, result.metrics[name], found.get(name)))
        # Metrics comparing two columns (a build against its twin) live in their verdicts only: a
        # verdict's value of a metric this column did not measure itself.
        for claim in shown:
            v = table[result.id][claim.id]
            if v.metric and v.value is not None and v.metric not in result.metrics:
                rows.append(_metric(result.id, v.metric, v))
    return rows


def _suite(result):
    import pyperf  # lazy: a report without timings needs no pyperf

    path = os.path.join(result.folder, results_format.BENCH)
    if not os.path.exists(path):
        return None
    try:
        return pyperf.BenchmarkSuite.load(path)
    except Exception as exc:
        raise ResultsError("%s: not a pyperf result (%s)" % (path, exc))


def _timing(column, bench):
    name, n = bench.get_name(), bench.get_nvalue()
    mean = bench.mean()
    if n < 2:  # one value has no spread
        interval, text = None, "%s (n=1)" % bench.format_value(mean)
    else:
        stdev = bench.stdev()
        interval, text = json_interval((mean - stdev, mean + stdev)), "%s ± %s" % bench.format_values([mean, stdev])
    return Timing(column, name, ledger.workload_of_benchmark(name), json_number(mean), interval, n, text)


def _timings(results, workloads):
    """Every pyperf benchmark (in seconds) of every column that has timings, in column order; of the
    selected workloads (a benchmark of no workload, a script's name changed since the run, only when all are)."""
    out = []
    for result in results:
        suite = _suite(result)
        if suite is None:
            continue
        for bench in suite.get_benchmarks():
            if bench.get_unit() != "second":
                continue
            if workloads is None or ledger.workload_of_benchmark(bench.get_name()) in workloads:
                out.append(_timing(result.id, bench))
    return out


# --- the rest --------------------------------------------------------------------------------

def _observations(result):
    # Read again, whole: the loader kept only what the judge needs, and it has read this file already.
    with open(os.path.join(result.folder, results_format.OBSERVATIONS)) as f:
        return json.load(f)


def _chapter_times(results):
    chapters = [c for c in ledger.CHAPTERS if any(w.chapter == c for w in ledger.WORKLOADS)]
    rows = []
    for r in results:
        seconds = r.meta.get("workload_seconds") or {}
        per = {c: 0.0 for c in chapters}
        for name, s in seconds.items():
            try:
                per[ledger.workload(name).chapter] += s
            except KeyError:  # a workload of another ledger: counted in the total only
                pass
        rows.append((r.id, per, sum(seconds.values())))
    return ChapterTimes(chapters, rows)


def statistics():
    """The legend's statement of the statistics, one line per point, from the constants the judge uses
    (so the legend cannot say another rule than the code)."""
    conf = "%.0f%%" % (100 * stats.CONFIDENCE)
    return [
        "Cells: the verdict, then the row's one quantity (its headline metric, in the unit after the claim) "
        "with its %s interval [low, high]. A cell that could not be judged on its measurement says why in words "
        "and shows no number: n/a (the claim does not apply here: 'GIL on here', 'machine x1.2 on 2 processes') "
        "or undecided because a precondition failed ('precondition failed: race.call.races = 0/40')." % conf,
        "What each value estimates: ratios (x) are the geometric mean of per-round ratios, paired (both sides "
        "in the same round), with a Student t-interval on the log ratios; shares of the machine's parallel gain "
        "are the ratio of mean gains with Fieller's interval, clipped to [0, 1] (an interval wholly outside "
        "it, e.g. threads slower than one worker, is shown as measured, not clipped; where the machine's own "
        "gain may be 0, Fieller's set is unbounded and the cell says '(95% interval unbounded, n=6)': it decides "
        "nothing); means of repeated "
        "measurements have a t-interval (shares clipped to [0, 1]; values all at 0 get the one-sided 95% "
        "bound 1 - 0.05^(1/n), other all-equal shares Hoeffding's interval, other all-equal values none: "
        "never a zero-width one; shares with some values at 0 get Hoeffding's bound below and, above, the "
        "one-sided Clopper-Pearson bound on the share of values above tau, each at 97.5%, the mean then "
        "at most tau + (1 - tau) x that share, tau set by the metric in the ledger: 0, or 0.01 for the "
        "gc pause's counter, chosen after two runs' readings, not before); counts are k/n trials with the exact Clopper-Pearson interval of the "
        "rate, two-sided between 0 and n events, one-sided at 0 and at n (so the cells' count intervals "
        "as a whole cover somewhat less than 95%: about 93% at n = 40 for some rates).",
        "'never' and 'sometimes' are one-sided %s tests at a rate the ledger states: at 0 events the cell "
        "shows the one-sided %s upper bound 1 - 0.05^(1/n) ('0/59 (≤4.9%%)': below 5%%; 0 of 299: below "
        "1%%); one event contradicts 'never' and proves 'sometimes'. Before 3.10 the note's race is 'sometimes(0.1%%)' and runs on "
        "until one trial races or 3000 have: it is contradicted only by 0 of 3000 (below 0.0998%%); a count "
        "that stopped at a race is shown at the trials run (its interval's upper end conservative for that stop)." % (conf, conf),
        "Counts taken over rounds in fresh processes (the races): the trials are taken as independent while "
        "the rounds agree; where they differ more than chance allows (homogeneity p < 0.05: Pearson's "
        "chi-square, exact where few events are expected) the interval is widened to hold the per-round "
        "rates' t-interval too, and the reason says so. A fix is compared with its control round by round "
        "(a stratified one-sided Fisher exact test). The lock and Queue claims are facts of one run "
        "(counts of 0), not rates.",
        "What an interval covers: the spread between the rounds of this run on this machine (or, for the "
        "RSS shares and the gc pause's trials, between readings back to back in one process: not "
        "independent trials). Round r of "
        "every workload runs before round r+1 of any, so a drift of the machine during the column widens "
        "the intervals. Six rounds often give a small spread by chance: a ratio of timings' rounds gets an "
        "interval never narrower than the t-interval at its rounds' spread pooled over the run's columns "
        "that measured it (one host and machine, mode and code, and kind of build: the free-threaded builds' "
        "columns, GIL off or on, with each other, the GIL builds with each other; a column alone of its kind "
        "is not pooled; where the pooled interval is the wider, its reason says 'widened to the run's pooled "
        "spread'), and a share of paired gains the "
        "wider of its own and Fieller's interval at the gains' variances and covariance pooled the same way "
        "(relative to 1 + each gain, not on logs). Either way it is a 95% interval for the geometric mean "
        "(ratios) or the ratio of mean gains (shares), not a range holding 95% of the rounds. It is not a prediction interval: with "
        "no shift between runs a rerun's value falls inside it about 87 times in 100 at 6 rounds, 85 at "
        "16, and a rerun on another day or machine may differ by more. A quantity the probe can only bound "
        "(arenas kept, where /proc/self/maps cannot be read or an arena was opened during the free) is said as 'between a and b (bounds from the allocator's counts)', not with a 95% interval; bounds that "
        "straddle a prediction leave it undecided.",
        "* provisional: fewer than %d pairs or runs behind the value (a fast run's %d rounds), columns "
        "compared unpaired, or (claims about parallel speed-ups) a machine whose own parallelism reached "
        "below x%s." % (stats.MIN_PAIRS, ROUNDS["fast"], PARALLEL_MACHINE_SPEEDUP),
        "Parallel gate: a claim about parallel speed-ups is n/a where the speedup of 2 processes over 1 "
        "worker on the countdown in the same run lies wholly below x{0} (its 95% interval's upper end; "
        "'machine x1.2 on 2 processes'): a busy machine must not pass for the GIL. Where the interval "
        "reaches x{0} the claim is judged; where it reaches below x{0} too, a reading of the threads that "
        "the machine alone caps (their own speedup, CPU-seconds per wall-second) holding below x{0} decides "
        "only below half the least gain the machine showed in the same run, 1 + (low - 1) / 2 (provisional), "
        "else it is undecided ('not judged: the machine's own parallelism ... reaches below'); readings "
        "relative to the machine in the same rounds and every contradiction decide.".format(PARALLEL_MACHINE_SPEEDUP),
        "A claim is the conjunction of its checks: every check holds -> holds; one holds and one is "
        "contradicted -> partly; contradicted and none holds -> contradicted; otherwise within noise or "
        "undecided. Each check is judged at %s on its own (no correction for a claim's several checks, nor across the table's cells: "
        "a few cells whose true value lies near their bound are decided wrongly by chance alone)." % conf,
    ]


def build(run_dirs, chapters=None, claims=None, labels=None):
    """The report model of one results folder or several merged (``ResultsError``: one line to show);
    ``chapters`` or ``claims`` (ids): only those claims, their workloads' metrics and timings;
    ``labels``: {folder: host label} replacing the label its runs recorded."""
    results = merge.load_all(run_dirs, labels)
    table = merge.judge(results)
    shown = _claims(chapters, claims)
    workloads = _workloads(chapters, claims)
    columns = [_column(r) for r in results]
    # The table's rows are the chapters' claims, of those only the named ones.
    rows = [_row(c, results, table) for c in _claims(chapters) if not claims or c.id in claims]
    described = {r.id: host.describe(r.meta) for r in results}
    return Report(
        columns=columns,
        rows=rows,
        machines=machines.compare(columns, rows, VOCABULARY, lambda c: described[c.column]),
        verdicts=[_verdict_row(r, c, table[r.id][c.id]) for r in results for c in shown],
        metrics=_metrics(results, table, shown, workloads),
        timings=_timings(results, workloads),
        observations={r.id: _observations(r) for r in results},
        legend={v.value: v.legend for v in Verdict},
        vocabulary=VOCABULARY,
        ledger_note=merge.ledger_note(results),
        # The model section belongs to the memory chapter: shown when a claim of it is named.
        model_chapters={c.chapter for c in shown} if claims else chapters,
        chapter_times=_chapter_times(results),
        statistics=statistics(),
        questions=_questions(rows))

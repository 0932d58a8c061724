"""The report model's types: what ``model.build`` makes once and every renderer reads.

Plain data: this module imports nothing of the judge or the ledger, so renderers may name it.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

# A field renderers read that the JSON report does not hold (``report_json`` leaves it out).
_NOT_JSON = {"json": False}


@dataclass(frozen=True)
class Style:
    """How renderers show a verdict word (``bench.ledger.vocabulary.Verdict``'s marks)."""
    word: str
    mark: str
    html_mark: str
    css: str
    decisive: bool
    legend: str
    format2_legend: str


@dataclass(frozen=True)
class Vocabulary:
    styles: Dict[str, Style]  # in the ledger's order of verdicts
    not_measured: str
    inconclusive: str
    within_noise: str = "within-noise"
    holds: str = "holds"
    contradicted: str = "contradicted"


@dataclass
class Column:
    """One interpreter of one host: the JSON report's "interpreters" row."""
    id: str
    column: str
    host: str
    version: Optional[str]
    build: str
    executable: Optional[str]
    free_threaded: Optional[bool]
    gil_enabled: Optional[bool]
    python_gil_env: Optional[str]
    configure_flags: Optional[str]
    cpu_count: Optional[int]
    mode: Optional[str]
    io_backend: Optional[str]
    started: Optional[str]
    errors: dict
    dropped: dict
    rounds: Optional[int]
    load_start: Optional[list]
    load_end: Optional[list]
    compiler: Optional[str]
    mp_start_method: Optional[str]
    results_format: Optional[int]
    ledger: Optional[str]
    measured: Optional[str]
    # {distribution: version or None}: pyperf and the I/O clients of the run (format 5 runs on).
    libraries: Optional[dict] = None
    cpu_model: Optional[str] = field(default=None, metadata=_NOT_JSON)
    platform: Optional[str] = field(default=None, metadata=_NOT_JSON)
    source: Optional[str] = field(default=None, metadata=_NOT_JSON)  # gilbench's commit (bench.harness.revision)


@dataclass
class Cell:
    verdict: str
    value: Optional[float]
    interval: Optional[list]
    n: Optional[int]
    provisional: bool
    why: str
    events: Optional[int]
    text: str  # the cell as the Markdown shows it
    shown: str = ""  # the same after the mark: the value in its unit, or the words saying why there is none
    # A figure of the row that physics forbids in this column (bench.judge.physics), in words; None: none.
    problem: Optional[str] = None


@dataclass
class Change:
    version: str
    what: str
    reference: str


@dataclass
class Row:
    """One claim on every column (the JSON report's "table" row)."""
    claim: str
    chapter: str
    section: str
    claim_text: str
    note_figure: Optional[str]
    cells: Dict[str, Cell]
    changed_at: Optional[str]
    changed_from: Optional[str]
    change: Optional[Change]
    # The unit of the claim's headline metric: the one quantity every cell of the row shows.
    unit: Optional[str] = None
    phrase: Optional[str] = None  # the note's own words (Korean) the claim reads


@dataclass
class VerdictRow:
    """One claim on one column, with its evidence (the JSON report's "verdicts")."""
    claim: str
    interpreter: str
    verdict: str
    value: Optional[float]
    spread: Optional[float]
    interval: Optional[list]
    n: Optional[int]
    provisional: bool
    events: Optional[int]
    metric: Optional[str]
    method: Optional[str]
    note_figure: Optional[str]
    why: str
    evidence: dict
    # The claim's headline metric in this column, whichever check decided the verdict (None: not measured).
    headline: Optional[dict] = None


@dataclass
class Question:
    """A question the page's summary answers from the verdicts of the claims that answer it, by GIL state."""
    question: str
    claims: List[str]  # claim ids


@dataclass
class Metric:
    interpreter: str
    metric: str
    value: Optional[float]
    interval: Optional[list]
    n: Optional[int]
    method: Optional[str]
    events: Optional[int]
    problem: Optional[str] = None  # beyond what physics allows in this column (bench.judge.physics)


@dataclass
class Timing:
    """One pyperf benchmark of one column: pyperf's mean and [mean - stdev, mean + stdev]."""
    interpreter: str
    benchmark: str
    workload: Optional[str]
    mean_s: Optional[float]
    interval: Optional[list]
    n: int
    text: str = field(default="", metadata=_NOT_JSON)  # pyperf's own "mean ± stdev"


@dataclass
class ChapterTimes:
    """Seconds of wall clock per chapter of each column's own run (the published folder's README)."""
    chapters: List[str]
    rows: List[Tuple[str, Dict[str, float], float]]  # (column, {chapter: seconds}, every workload's seconds)


@dataclass
class Report:
    columns: List[Column]
    rows: List[Row]  # the selected claims, in chapter order
    verdicts: List[VerdictRow]
    metrics: List[Metric]
    timings: List[Timing]
    observations: Dict[str, dict]  # column -> its observations.json, as recorded
    legend: Dict[str, str]
    vocabulary: Vocabulary
    ledger_note: Optional[str]  # the runs were measured against another ledger
    model_chapters: Optional[set]  # the chapters the "model vs measurement" section goes by (None: all)
    chapter_times: ChapterTimes
    statistics: List[str] = field(default_factory=list)  # the legend's statement of the statistics
    questions: List[Question] = field(default_factory=list)  # the page summary's questions (model.QUESTIONS)
    # "What depends on the machine" (publish/machines.py), None when every column comes from one host.
    machines: Optional[object] = field(default=None, metadata=_NOT_JSON)

    @property
    def column_ids(self):
        return [c.column for c in self.columns]

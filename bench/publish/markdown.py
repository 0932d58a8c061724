"""The Markdown report, from the report model alone: what produced each column, the claim table
(``table``), the memory model section (``model_section``), the I/O speedups against their limits
(``io_limits``), pyperf's timings (``timings``), and what
a run could not measure."""
from tabulate import tabulate

from bench.publish import io_limits, machines, table as verdict_table, text, timings
from bench.publish.model_section import model_vs_measurement, observed


def _machines(columns):
    """The table of what produced each column."""
    several_hosts = len({c.host for c in columns}) > 1
    # When each column was measured: columns of one matrix run one after the other, but a column
    # kept by `matrix --resume` may be days older than its neighbours, and cross-column claims compare them.
    head = ["column"] + (["host"] if several_hosts else []) + [
        "measured (UTC)", "build", "mode", "rounds", "CPUs", "load (start, end)", "I/O backend", "configure flags"]
    body = []
    for i in columns:
        load = "%s, %s" % ((i.load_start or ["?"])[0], (i.load_end or ["?"])[0])
        when = (i.started or "?")[:16].replace("T", " ")
        body.append([i.column] + ([i.host] if several_hosts else []) + [
            when, i.build, i.mode, i.rounds or "-", i.cpu_count, load,
            i.io_backend or "none (no I/O workload)", _flags(i.configure_flags)])
    libraries = ["- libraries: " + line for line in text.libraries([(i.column, i.libraries) for i in columns])]
    return [tabulate(body, head, tablefmt="github"), ""] + libraries + ([""] if libraries else [])


def _flags(flags, width=60):
    """The configure flags cut at a whole flag (not mid-token), with "…" when cut."""
    flags = flags or ""
    if len(flags) <= width:
        return flags
    kept = ""
    for flag in flags.split():
        if len(kept) + len(flag) + 1 > width:
            break
        kept = (kept + " " + flag).lstrip()
    return (kept or flags.split()[0]) + " …"


def to_markdown(model, why=False):
    columns = model.column_ids
    lines = ["# gilbench: the study note's claims, measured", ""]
    lines += _machines(model.columns)
    if model.ledger_note:
        lines += [model.ledger_note, ""]
    lines += ["## The claims", ""] + verdict_table.to_markdown(model.rows, columns, model.vocabulary, why,
                                                                       model.statistics)
    lines += [""] + machines.to_markdown(model.machines) if model.machines else []
    lines += model_vs_measurement({c: observed(model.observations[c]) for c in columns}, model.model_chapters)
    lines += io_limits.to_markdown({(m.interpreter, m.metric): {"value": m.value, "interval": m.interval,
                                                                "problem": m.problem}
                                    for m in model.metrics},
                                   {c.column: {"free_threaded": c.free_threaded, "gil_enabled": c.gil_enabled,
                                               "cpu_count": c.cpu_count} for c in model.columns}, columns,
                                   {c: observed(model.observations[c]) for c in columns})
    lines += [""] + timings.to_markdown(model.timings)
    errors = [(c.column, w, e) for c in model.columns for w, e in c.errors.items()]
    if errors:
        lines += ["", "## Workloads that failed", ""] + ["- %s: %s: %s" % e for e in errors]
    dropped = [(c.column, w, e) for c in model.columns for w, e in c.dropped.items()]
    if dropped:
        lines += ["", "## Values dropped", ""] + ["- %s: %s: %s" % e for e in dropped]
    return "\n".join(lines).rstrip("\n") + "\n"

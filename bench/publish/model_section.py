"""The report's "model vs measurement" section: the note's memory model, the same model with this
interpreter's constants, and what the allocator really did, with the error of each.

The rows are made inside the measured interpreter (``demos.pymalloc`` records them under
``mem.model.rows`` in observations.json); this module only lays them out, from the report
model's observations.
"""
from tabulate import tabulate

_KEY = "mem.model.rows"


def observed(recorded):
    """The observations of a column's observations.json as recorded ({"observations": {...}, ...})."""
    inner = recorded.get("observations", {}) if isinstance(recorded, dict) else {}
    return inner if isinstance(inner, dict) else {}


def _number(value):
    if value is None:
        return "-"
    return "{:,}".format(value) if isinstance(value, int) else "%.4g" % value


def _error(value):
    return "-" if value is None else "%+.0f%%" % (100 * value)


def model_vs_measurement(observations, chapters=None):
    """Markdown lines of the section (none when the mem chapter is not shown or nothing measured it).

    ``observations``: {column: its observations (``observed``)}, in column order."""
    if chapters and "mem" not in chapters:
        return []
    shown = list(observations.items())
    if not any(_KEY in obs or "mem.allocator" in obs for _, obs in shown):
        return []
    lines = ["", "## Model vs measurement (memory)", "",
             "The note's model (512 B threshold, 8-byte classes, 4 KiB pools, 256 KiB arenas, no pool header), "
             "the same model with the constants this interpreter's allocator reports, and the allocator's own "
             "counters (arenas, pools) and RSS from /proc after the same workload. Error: (prediction - measured) "
             "/ measured; for a count measured as 0, the prediction itself.", ""]
    for column, obs in shown:
        rows = obs.get(_KEY)
        if not rows:
            why = obs.get("mem.not_measured") or "the pymalloc workload did not run"
            lines += ["**%s**: not measured: %s." % (column, why), ""]
            continue
        body = [[r["workload"], r["quantity"], _number(r["note_prediction"]), _number(r["real_prediction"]),
                 _number(r["measured"]), _error(r["note_error"]), _error(r["real_error"])] for r in rows]
        lines += ["**%s** (pools of %s B, arenas of %s B, %s pools per arena, pool header %s B):" % (
            column, _number(obs.get("mem.pool_size_bytes")), _number(obs.get("mem.arena_size_bytes")),
            _number(obs.get("mem.pools_per_arena")), _number(obs.get("mem.pool_header_bytes"))), ""]
        lines += [tabulate(body, ["workload", "quantity", "note's model", "real constants", "measured",
                                  "note's error", "real error"], tablefmt="github", disable_numparse=True), ""]
    return lines

"""The JSON report (``report.py`` holds its format history; report.schema.json its schema), made
from the report model alone."""
import math

FORMAT = 4


def _fields(obj):
    """A model object's fields as the JSON report holds them (``model.json_fields``, without importing
    the model: renderers import nothing that imports the judge)."""
    return {f.name: getattr(obj, f.name) for f in obj.__dataclass_fields__.values()
            if f.metadata.get("json", True)}


def _finite(data):
    """``data`` with every number JSON cannot hold (inf, NaN) as null, at any depth."""
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(v) for v in data]
    return None if isinstance(data, float) and not math.isfinite(data) else data


def _row(row):
    out = _fields(row)
    out["cells"] = {c: _fields(cell) for c, cell in row.cells.items()}
    out["change"] = _fields(row.change) if row.change else None
    return out


def to_dict(model):
    """The JSON report dict of ``model``.  Observations are as recorded, but JSON holds no infinity:
    every one left becomes null."""
    return _finite({"format": FORMAT, "interpreters": [_fields(c) for c in model.columns],
                    "verdicts": [_fields(v) for v in model.verdicts],
                    "table": [_row(r) for r in model.rows],
                    "metrics": [_fields(m) for m in model.metrics],
                    "timings": [_fields(t) for t in model.timings],
                    "observations": dict(model.observations),
                    "legend": dict(model.legend), "statistics": list(model.statistics),
                    "questions": [_fields(q) for q in model.questions]})

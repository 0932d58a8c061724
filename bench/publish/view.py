"""What the HTML page and the charts read from a JSON report dict (``report.py``'s, newest format).

Older reports are brought up to the newest by ``report_migrate`` before they get here; a missing
key still gives an empty list, never a made-up value.
"""


def column(interpreter):
    """The key an interpreter's cells, metrics and observations are filed under."""
    return interpreter.get("column") or interpreter.get("id")


def columns(data):
    return [column(i) for i in data.get("interpreters") or []]


def interpreters(data):
    return {column(i): i for i in data.get("interpreters") or []}


def metrics(data):
    """{(column, metric): {"value", "interval", "n", "method"}}: every metric the report holds."""
    return {(m.get("interpreter"), m.get("metric")): m for m in data.get("metrics") or []}


def observations(data):
    """{column: {observation key: value}}.  The report keeps each column's observations.json as
    recorded ({"format", "errors", "dropped", "observations": {...}}): the inner dict is taken."""
    out = {}
    for col, obs in (data.get("observations") or {}).items():
        if isinstance(obs, dict) and isinstance(obs.get("observations"), dict) and "format" in obs:
            obs = obs["observations"]
        out[col] = obs if isinstance(obs, dict) else {}
    return out


def timings(data):
    return data.get("timings") or []


def legend(data, vocabulary):
    """The report's legend; one that carries none gets the verdict words' format-2 lines."""
    return data.get("legend") or {word: s.format2_legend for word, s in vocabulary.styles.items()}


def table(data):
    """The claim rows, in chapter order."""
    return data.get("table") or []

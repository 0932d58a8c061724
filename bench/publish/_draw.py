"""The drawing half of ``charts``: one function per chart kind, from a plan to a matplotlib Figure.

Imported only when matplotlib is (``charts.make``).  No pyplot: a bare Figure on the Agg canvas
touches no global state and needs no display.
"""
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

_WIDTH = 12.0
_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
            "#17becf", "#393b79", "#637939")
_NOTE = dict(marker="*", markersize=16, color="black", linestyle="none", zorder=5)


def _figure(height):
    # matplotlib's default font (DejaVu Sans) ships with it: the same glyphs on every machine.
    fig = Figure(figsize=(_WIDTH, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _style(col, index, interpreters):
    info = interpreters.get(col) or {}
    no_gil = bool(info.get("free_threaded")) and info.get("gil_enabled") is False
    return {"color": _COLOURS[index % len(_COLOURS)], "linestyle": "--" if no_gil else "-",
            "marker": "s" if no_gil else "o", "label": col + (" (GIL off)" if no_gil else "")}


def _short(x):
    """4980000 -> '4.98M', 8192 -> '8.19k', 85 -> '85'."""
    for size, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= size:
            return "%.3g%s" % (x / size, unit)
    return "%.3g" % x


def _errors(points):
    """matplotlib's yerr (distances below, above) from (x, value, low, high, ...); 0 where no interval."""
    below = [p[1] - p[2] if p[2] is not None else 0 for p in points]
    above = [p[3] - p[1] if p[3] is not None else 0 for p in points]
    return [below, above]


def scaling(plan):
    families = list(plan["series"])
    fig = _figure(5.2)
    axes = fig.subplots(1, len(families), sharey=True, squeeze=False)[0]
    order = {col: i for i, col in enumerate(plan["columns"])}
    xmax = max(p[0] for fam in plan["series"].values() for pts in fam.values() for p in pts)
    ticks = [k for k in (1, 2, 4, 8, 16) if k <= xmax]
    for ax, family in zip(axes, families):
        # Through every tick: two end points joined on the log2 axis would read 2.5 at 2 workers.
        ax.plot(ticks, ticks, linestyle=":", color="grey", marker=".", label="perfect scaling (k workers: xk)")
        ax.axhline(1.0, color="grey", linewidth=0.8)
        for col, points in plan["series"][family].items():
            style = _style(col, order[col], plan["interpreters"])
            points = [(1, 1.0, None, None, False)] + points  # one worker is the reference: 1 by definition
            ax.errorbar([p[0] for p in points], [p[1] for p in points], yerr=_errors(points), capsize=3, **style)
            flagged = [p for p in points if len(p) > 4 and p[4]]
            if flagged:
                ax.plot([p[0] for p in flagged], [p[1] for p in flagged], linestyle="none", marker="x",
                        markersize=11, markeredgewidth=2, color="red", label="beyond what physics allows")
        if family == "threads" and plan["ceiling"]:
            _ceilings(ax, plan, order, xmax)
        if plan.get("cpus") and plan["cpus"] < xmax:
            ax.axvline(plan["cpus"], color="grey", linestyle="--", linewidth=0.8)
            ax.text(plan["cpus"], ax.get_ylim()[1], " %d CPUs" % plan["cpus"], va="top", color="grey")
        if family == "threads" and plan.get("note"):
            ax.plot([2], [plan["note"]], label="the note's figure (speedup %.2f at 2)" % plan["note"], **_NOTE)
        ax.set_xscale("log", base=2)
        ax.set_xticks(ticks)
        ax.set_xticklabels([str(k) for k in ticks])
        ax.set_title(family)
        ax.set_xlabel("workers")
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel(plan["ylabel"])
    _legend(fig, axes)
    fig.suptitle(plan["title"])
    _say_error_bars(fig)
    return fig


def _say_error_bars(fig):
    """What the error bars are, inside the image (a PNG travels without its caption)."""
    fig.text(0.99, 0.99, "error bars: 95% intervals", ha="right", va="top", fontsize=8, color="dimgrey")


def _ceilings(ax, plan, order, xmax):
    """Each column's client-CPU limit: a dash-dot line where it falls inside the speedups' range,
    else its value named at the top (a line at 40 would squeeze the 1-16 curves into a strip)."""
    top = ax.get_ylim()[1]
    above = []
    for col, (limit, reads) in plan["ceiling"].items():
        style = _style(col, order[col], plan["interpreters"])
        if limit <= top:
            ax.axhline(limit, color=style["color"], linestyle="-.", linewidth=1)
        else:
            above.append("%s %.3g" % (col, limit))
    ax.set_ylim(top=top)
    if above:
        ax.text(1.05, top * 0.97, "client-CPU limits above the chart:\n" + "\n".join(above), va="top", fontsize=8,
                color="dimgrey")
    ax.plot([], [], color="grey", linestyle="-.", label="client-CPU limit (L + c)/c (io.ceiling.threads)")


def _legend(fig, axes):
    seen = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(label, handle)
    fig.legend(list(seen.values()), list(seen), loc="lower center", ncol=min(6, len(seen)), frameon=False)
    fig.subplots_adjust(bottom=0.12 + 0.045 * ((len(seen) - 1) // 6 + 1), top=0.88)


def grouped_bars(plan):
    fig = _figure(5.0)
    ax = fig.subplots()
    cols = list(plan["bars"])
    order = {col: i for i, col in enumerate(plan["columns"])}
    width = 0.8 / max(1, len(cols))
    for i, col in enumerate(cols):
        points = [(g + (i - (len(cols) - 1) / 2) * width,) + p for g, p in enumerate(plan["bars"][col]) if p]
        style = _style(col, order[col], plan["interpreters"])
        rects = ax.bar([p[0] for p in points], [p[1] for p in points], width, yerr=_errors(points), capsize=2,
                       label=style["label"], color=style["color"])
        if style["linestyle"] == "--":
            for rect in rects:
                rect.set_hatch("//")
    ax.axhline(1.0, color="green", linewidth=1, linestyle=":", label="1: scales")
    ax.axhline(2.0, color="red", linewidth=1, linestyle=":", label="2: serialised")
    ax.set_xticks(range(len(plan["groups"])))
    ax.set_xticklabels(plan["groups"], rotation=15 if len(plan["groups"]) > 5 else 0)
    ax.set_ylabel(plan["ylabel"])
    ax.grid(True, axis="y", alpha=0.3)
    _legend(fig, [ax])
    fig.subplots_adjust(bottom=0.22)  # room for slanted pattern names above the legend
    fig.suptitle(plan["title"])
    _say_error_bars(fig)
    return fig


def version_bars(plan):
    fig = _figure(4.4)
    axes = fig.subplots(1, len(plan["panels"]), squeeze=False)[0]
    order = {col: i for i, col in enumerate(plan["interpreters"])}
    for ax, (_metric, label, bars, title) in zip(axes, plan["panels"]):
        names = [col for col, _ in bars]
        values = [p[1] for _, p in bars]
        points = [(0,) + p for _, p in bars]
        colours = [_COLOURS[order.get(col, 0) % len(_COLOURS)] for col in names]
        hatches = ["//" if _style(col, 0, plan["interpreters"])["linestyle"] == "--" else "" for col in names]
        rects = ax.bar(range(len(names)), values, yerr=_errors(points), capsize=3, color=colours)
        for rect, hatch in zip(rects, hatches):
            rect.set_hatch(hatch)
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names, rotation=35, ha="right")
        ax.set_ylabel(label)
        ax.set_title(title)  # a person's words; the metric's key is in the caption
        ax.grid(True, axis="y", alpha=0.3)
    fig.suptitle(plan["title"] + "; hatched: free-threaded, GIL off")
    fig.subplots_adjust(bottom=0.2, top=0.86, wspace=0.25)
    _say_error_bars(fig)
    return fig


def size_classes(plan):
    fig = _figure(5.0)
    # The whole range, and the first 96 bytes where 8- and 16-byte steps can be told apart by eye.
    axes = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 2]})
    for ax, limit in zip(axes, (96, None)):
        note = [(r, b) for r, b in plan["note"] if limit is None or r <= limit]
        ax.step([r for r, _ in note], [b for _, b in note], where="post", color="black", linewidth=3, alpha=0.3,
                label="the note's table (8-byte steps)")
        for i, (cols, rows) in enumerate(plan["measured"]):
            rows = [(r, b) for r, b in rows if limit is None or r <= limit]
            ax.step([r for r, _ in rows], [b if b is not None else float("nan") for _, b in rows], where="post",
                    color=_COLOURS[i % len(_COLOURS)], linewidth=1.3, marker="." if limit else None,
                    label="measured: " + ", ".join(cols))
        ax.set_xlabel("requested bytes" + (" (first %d)" % limit if limit else ""))
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("block size (bytes)")
    _legend(fig, [axes[1]])
    fig.suptitle(plan["title"])
    return fig


def _plain_tick(y, _position):
    return _short(y) if y else "0"


_PLAIN = FuncFormatter(_plain_tick)


def model(plan):
    """One small panel per (workload, quantity): their scales differ (blocks, pools, arenas, bytes)."""
    keys, values = [], {}
    for col, rows in plan["panels"]:
        for r in rows:
            key = (r.get("workload"), r.get("quantity"))
            if key not in values:
                keys.append(key)
                values[key] = []
            values[key].append((col, r))
    # A panel whose every bar is 0 (the note, the model and the measurement agree on nothing happening)
    # is said in one line instead of drawn empty.
    fields = ("note_prediction", "real_prediction", "measured")
    zero = [k for k in keys if all(not r.get(f) for _, r in values[k] for f in fields)]
    keys = [k for k in keys if k not in zero]
    ncols = 2
    nrows = -(-len(keys) // ncols)
    fig = _figure(1.2 + 2.9 * nrows)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    kinds = (("note_prediction", "the note's model", "#bbbbbb"), ("real_prediction", "model, real constants",
                                                                   "#1f77b4"), ("measured", "measured", "#d62728"))
    for ax, key in zip(axes, keys):
        cols = values[key]
        for j, (field, label, colour) in enumerate(kinds):
            xs = [i + (j - 1) * 0.27 for i, (_, r) in enumerate(cols) if r.get(field) is not None]
            ys = [r[field] for _, r in cols if r.get(field) is not None]
            bars = ax.bar(xs, ys, 0.27, label=label, color=colour)
            # A zero is a bar of no height: the label says 0.
            # Upright labels: side by side, 1.18k and 1.19k would print over each other.
            ax.bar_label(bars, labels=[_short(y) for y in ys], fontsize=7, rotation=90, padding=2)
        ax.margins(y=0.18)
        ax.set_xticks(range(len(cols)))
        ax.set_xticklabels([c for c, _ in cols], fontsize=8, rotation=30 if len(cols) > 4 else 0, ha="right"
                           if len(cols) > 4 else "center")
        ax.set_title("%s: %s" % key, fontsize=9)
        ax.grid(True, axis="y", alpha=0.3)
        ax.yaxis.set_major_formatter(_PLAIN)  # 4980000 reads as 4.98M, not as 5 with "1e6" above the axis
    if zero:
        fig.text(0.01, 0.005, "0 everywhere (not drawn): " + "; ".join("%s: %s" % k for k in zero), fontsize=7,
                 color="dimgrey", va="bottom")
    for ax in axes[len(keys):]:
        ax.set_visible(False)
    _legend(fig, list(axes[:1]))
    fig.suptitle(plan["title"])
    height = 1.2 + 2.9 * nrows  # inches: title and legend keep their room whatever the row count
    fig.subplots_adjust(hspace=0.55, wspace=0.2, top=1 - 0.8 / height, bottom=0.9 / height)
    return fig

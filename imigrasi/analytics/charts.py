"""Dashboard charts: matplotlib drawn on the server as inline SVG, with no JavaScript.

Why post-process matplotlib's SVG: the Content-Security-Policy (``style-src 'self'``) forbids
inline styles, and matplotlib writes ``style="…"`` on every element and a ``<style>`` element
(the browser would drop both and draw the chart black). Each declaration becomes an SVG
presentation attribute, which CSP does not govern. Text stays text (``svg.fonttype = none``):
small, searchable, scalable. Each chart is ``role="img"`` labelled by its title and a
plain-language summary; the page also shows the figures as a table, so nothing depends on
seeing the picture (or telling colours apart: lines also differ by dash, with a legend).

Only ``Figure`` objects are used (never pyplot). rcParams are process-global, so rendering
holds a lock: ``rc_context`` in two threads at once would mix their settings.

Empty input (no points, or nothing but NaN) raises ValueError: the page shows text instead.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import textwrap
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, Normalize, to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

SVG = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# GOV.UK palette: each at least 3:1 against white; lines also differ by dash.
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92")
DASHES: tuple[Any, ...] = ("solid", "dashed", "dashdot", (0, (1, 1.5)), (0, (6, 2, 1, 2, 1, 2)))
BAND_COLOUR = "#bbd4ea"  # light tint of the blue
MARKER_COLOUR = "#505a5f"
TEXT_DARK, TEXT_LIGHT = "#0b0c0c", "#ffffff"
FONT_STACK = "Arial, Helvetica, 'Liberation Sans', sans-serif"
RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "imigrasi-charts",
    "text.parse_math": False,  # "$" in a label is a dollar sign, not TeX
    "font.family": "sans-serif",
    "font.sans-serif": ["Liberation Sans", "Arial", "DejaVu Sans"],  # metrics only
    "font.size": 11,
    "path.simplify": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": MARKER_COLOUR,
    "legend.frameon": False,
}
PRESENTATION = {
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset",
    "stroke-miterlimit", "opacity", "font-size", "font-weight", "font-style",
    "text-anchor", "dominant-baseline", "clip-path", "letter-spacing",
}  # fmt: skip
GEOMETRY = {"d", "x", "y", "width", "height", "transform", "points", "x1", "x2", "y1", "y2"}
_NUMBER = re.compile(r"-?\d+\.\d+")
_URL = re.compile(r"url\(#([^)]+)\)")
_LOCK = threading.Lock()
_CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")

NumberFormat = Callable[[float], str]


@dataclass(frozen=True)
class Chart:
    """``svg`` is a complete ``<svg>`` element, escaped and safe to inline as it is."""

    title: str
    svg: str


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]


@dataclass(frozen=True)
class Band:
    """A shaded range (e.g. the 80 % prediction interval) over the same x as the lines."""

    label: str
    lo: Sequence[float]
    hi: Sequence[float]


def default_number(value: float) -> str:
    return f"{value:,.0f}"


def _round(match: re.Match[str]) -> str:
    text = f"{float(match.group()):.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _clean(svg: bytes, chart_id: str, title: str, summary: str) -> str:
    """matplotlib's SVG → CSP-safe, id-prefixed, accessible, compact inline markup."""
    root = ET.fromstring(svg)  # noqa: S314 - our own matplotlib output, never user input
    prefix = f"{chart_id}-chart"
    referenced: dict[str, str] = {}
    for element in root.iter():
        for key, value in element.attrib.items():
            names = _URL.findall(value)
            if key in (XLINK_HREF, "href") and value.startswith("#"):
                names.append(value[1:])
            for name in names:
                referenced.setdefault(name, f"{prefix}-{len(referenced) + 1}")
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag.rsplit("}", 1)[-1] in {"style", "metadata", "script", "foreignObject"}:
                parent.remove(child)
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{SVG}}}")  # xmlns is set on the root below
        for declaration in element.attrib.pop("style", "").split(";"):
            name, _sep, value = (part.strip() for part in declaration.partition(":"))
            if name in PRESENTATION and value:
                element.set(name, value.removesuffix("px") if name == "font-size" else value)
        if "id" in element.attrib:
            old = element.attrib.pop("id")
            if old in referenced:
                element.set("id", referenced[old])
        if XLINK_HREF in element.attrib:
            element.set("href", element.attrib.pop(XLINK_HREF))
        for key, value in list(element.attrib.items()):
            if key == "href":
                element.set(key, "#" + referenced[value[1:]])
            elif "url(#" in value:
                element.set(key, _URL.sub(lambda m: f"url(#{referenced[m[1]]})", value))
            elif key in GEOMETRY and element is not root:
                value = " ".join(_NUMBER.sub(_round, value).split())
                if key == "d":
                    value = re.sub(r" ?([MLCQZz]) ?", r"\1", value)
                if key == "transform" and re.fullmatch(r"rotate\(-?0 [-\d. ]+\)", value):
                    del element.attrib[key]
                else:
                    element.set(key, value)
        if element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    _prune(root)
    for key in ("width", "height", "version"):
        root.attrib.pop(key, None)
    root.attrib.update(
        {
            "xmlns": SVG,
            "id": prefix,
            "width": "100%",
            "preserveAspectRatio": "xMidYMid meet",
            "role": "img",
            "focusable": "false",
            "aria-labelledby": f"{prefix}-title {prefix}-desc",
            "font-family": FONT_STACK,
            "stroke-linejoin": "round",
            "stroke-linecap": "butt",
        }
    )
    for tag, text in (("desc", summary), ("title", title)):
        element = ET.Element(tag, {"id": f"{prefix}-{tag}"})
        element.text = text
        root.insert(0, element)
    return ET.tostring(root, encoding="unicode")


def _prune(parent: ET.Element) -> None:
    """Drop empty groups and definitions; unwrap groups that carry no attributes."""
    index = 0
    while index < len(parent):
        child = parent[index]
        _prune(child)
        empty = child.tag in ("g", "defs") and len(child) == 0
        if empty or (child.tag == "g" and not child.attrib):
            parent.remove(child)
            for offset, grandchild in enumerate(child):
                parent.insert(index + offset, grandchild)
            continue  # look at what took its place
        index += 1


def _render(
    chart_id: str, title: str, summary: str, size: tuple[float, float], draw: Callable[[Figure], None]
) -> Chart:
    if not _CHART_ID.fullmatch(chart_id):
        raise ValueError(f"chart_id must be a plain HTML id, not {chart_id!r}")
    buffer = io.BytesIO()
    with _LOCK, mpl.rc_context(RC):
        figure = Figure(figsize=(size[0] / 72, size[1] / 72), dpi=72, layout="constrained")
        draw(figure)
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return Chart(title=title, svg=_clean(buffer.getvalue(), chart_id, title, summary))


def _finite(values: Sequence[float | None]) -> bool:
    return any(value is not None and math.isfinite(value) for value in values)


def _ticks(axis: Any, number_format: NumberFormat | None) -> None:
    axis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    if number_format is not None:
        axis.set_major_formatter(FuncFormatter(lambda value, _pos: number_format(value)))


def _as_date(value: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # keep the wall-clock (office) time as given
    return value


def _date_axis(axes: Axes) -> None:
    """Numeric, language-neutral dates: "2026-03", "15", offset "2026-03" (no month names)."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    formatter = mdates.ConciseDateFormatter(
        locator,
        formats=["%Y", "%Y-%m", "%d", "%H:%M", "%H:%M", "%S.%f"],
        zero_formats=["", "%Y", "%Y-%m", "%m-%d", "%H:%M", "%H:%M"],
        offset_formats=["", "%Y", "%Y-%m", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d %H:%M"],
    )
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(formatter)


def line_chart(
    *,
    chart_id: str,
    title: str,
    summary: str,
    x_label: str,
    y_label: str,
    x: Sequence[dt.date | dt.datetime | str],
    series: Sequence[Series],
    band: Band | None = None,
    marker: dt.date | dt.datetime | str | None = None,
    marker_label: str | None = None,
    number_format: NumberFormat | None = None,
    width_px: int = 720,
    height_px: int = 300,
) -> Chart:
    """Lines over dates (ISO strings allowed), an optional shaded band and a vertical marker
    (e.g. today). NaN leaves a gap. Raises ValueError when there is nothing to draw or a
    series/band length differs from ``x``; ``number_format`` formats the y tick labels."""
    lengths = [len(s.values) for s in series] + ([len(band.lo), len(band.hi)] if band else [])
    if any(length != len(x) for length in lengths):
        raise ValueError("every series and the band need one value per x")
    if not x or not any(_finite(s.values) for s in series):
        raise ValueError("nothing to draw")
    days = mdates.date2num([_as_date(value) for value in x])

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        if band is not None:
            axes.fill_between(
                days, np.asarray(band.lo, float), np.asarray(band.hi, float),
                color=BAND_COLOUR, linewidth=0, label=band.label,
            )  # fmt: skip
        for index, line in enumerate(series):
            axes.plot(
                days, np.asarray(line.values, float), label=line.label, linewidth=2,
                color=COLOURS[index % len(COLOURS)], linestyle=DASHES[index % len(DASHES)],
                marker="o" if len(x) < 3 else None, markersize=4,
            )  # fmt: skip
        if marker is not None:
            axes.axvline(
                float(mdates.date2num(_as_date(marker))), color=MARKER_COLOUR, linewidth=1.2,
                linestyle=(0, (2, 2)), label=marker_label or "_marker",
            )  # fmt: skip
        if len(x) > 1:
            axes.set_xlim(float(days.min()), float(days.max()))
        _date_axis(axes)
        _ticks(axes.yaxis, number_format)
        axes.set_ylim(bottom=min(0.0, axes.get_ylim()[0]))
        axes.set_xlabel(x_label)
        axes.set_ylabel(y_label)
        axes.grid(axis="y", color="#dddddd", linewidth=0.6)
        figure.legend(loc="outside upper left", ncols=4)

    return _render(chart_id, title, summary, (width_px, height_px), draw)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    summary: str,
    categories: Sequence[str],
    values: Sequence[float],
    value_label: str,
    horizontal: bool = True,
    target: float | None = None,
    target_label: str | None = None,
    number_format: NumberFormat | None = None,
    width_px: int = 720,
    height_px: int | None = None,
) -> Chart:
    """One bar per category, each labelled with its value (``number_format``, default
    ``1,234``), and an optional target line (e.g. the promised time), named in a legend by
    ``target_label`` (else by its value). Raises ValueError when there is nothing to draw."""
    if len(categories) != len(values):
        raise ValueError("one value per category")
    if not categories or not _finite(values):
        raise ValueError("nothing to draw")
    fmt = number_format or default_number
    numbers = np.asarray(values, float)
    width = 28 if horizontal else 12
    names = [textwrap.fill(str(name), width, max_lines=2, placeholder="…") for name in categories]
    height = height_px or (80 + 26 * len(categories) if horizontal else 320)

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        positions = np.arange(len(categories))
        value_axis = axes.xaxis if horizontal else axes.yaxis
        if horizontal:
            bars = axes.barh(positions, numbers, color=COLOURS[0], height=0.7)
            axes.set_yticks(positions, names)
            axes.invert_yaxis()
            axes.set_xlabel(value_label)
            axes.tick_params(axis="y", length=0)
        else:
            bars = axes.bar(positions, numbers, color=COLOURS[0], width=0.7)
            axes.set_xticks(positions, names, rotation=90 if len(categories) > 8 else 0)
            axes.set_ylabel(value_label)
            axes.tick_params(axis="x", length=0)
        labels = [fmt(value) if math.isfinite(value) else "" for value in numbers]
        axes.bar_label(bars, labels=labels, padding=3, fontsize=10)
        if target is not None:
            line = axes.axvline if horizontal else axes.axhline
            line(
                target, color=COLOURS[1], linestyle="dashed", linewidth=1.5,
                label=target_label or fmt(target),
            )  # fmt: skip
            figure.legend(loc="outside upper left")
        top = max(float(np.nanmax(numbers)), target or 0.0, 0.0)
        bottom = min(float(np.nanmin(numbers)), target or 0.0, 0.0)
        (axes.set_xlim if horizontal else axes.set_ylim)(bottom * 1.12, top * 1.12 or 1)
        _ticks(value_axis, number_format)
        axes.grid(axis="x" if horizontal else "y", color="#dddddd", linewidth=0.6)
        axes.set_axisbelow(True)

    return _render(chart_id, title, summary, (width_px, height), draw)


def _luminance(colour: str | tuple[float, float, float]) -> float:
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _text_colour(background: tuple[float, float, float]) -> str:
    """Dark or white text, whichever contrasts more with the cell (WCAG contrast ratio)."""
    cell = _luminance(background)
    dark = (cell + 0.05) / (_luminance(TEXT_DARK) + 0.05)
    light = (_luminance(TEXT_LIGHT) + 0.05) / (cell + 0.05)
    return TEXT_DARK if dark >= light else TEXT_LIGHT


def heatmap(
    *,
    chart_id: str,
    title: str,
    summary: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float]],
    value_label: str,
    number_format: NumberFormat | None = None,
    annotate: bool | None = None,
    width_px: int = 720,
    height_px: int | None = None,
) -> Chart:
    """A rows × columns grid (e.g. weekday × hour) in 8 shades of blue with a colour bar.
    NaN is "no data": a white, unlabelled cell. Cells show their value (``number_format``,
    default ``1,234``) when the grid is small enough (≤ 24 columns, ≤ 200 cells) or when
    ``annotate`` says so. Raises ValueError when there is nothing to draw or the shape is off."""
    if len(values) != len(rows) or any(len(row) != len(columns) for row in values):
        raise ValueError("values must have one row per row label, one value per column")
    grid = np.asarray(values, float).reshape(len(rows), len(columns))
    if not rows or not columns or not np.isfinite(grid).any():
        raise ValueError("nothing to draw")
    fmt = number_format or default_number
    if annotate is None:
        annotate = len(columns) <= 24 and grid.size <= 200
    cmap = ListedColormap(mpl.colormaps["Blues"](np.linspace(0.2, 1.0, 8)))
    cmap.set_bad(TEXT_LIGHT)
    finite = grid[np.isfinite(grid)]
    low, high = min(0.0, float(finite.min())), float(finite.max())
    norm = Normalize(vmin=low, vmax=high if high > low else low + 1)
    height = height_px or (110 + 32 * len(rows))

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        mesh = axes.pcolormesh(
            np.ma.masked_invalid(grid), cmap=cmap, norm=norm, edgecolors=TEXT_LIGHT, linewidth=1
        )
        axes.invert_yaxis()
        axes.set_xticks(np.arange(len(columns)) + 0.5, list(columns))
        axes.set_yticks(np.arange(len(rows)) + 0.5, list(rows))
        axes.tick_params(length=0)
        axes.tick_params(axis="x", labelrotation=90 if len(columns) > 12 else 0)
        for spine in axes.spines.values():
            spine.set_visible(False)
        if annotate:
            for (r, c), value in np.ndenumerate(grid):
                if math.isfinite(value):
                    colour = _text_colour(to_rgb(cmap(norm(value))))
                    axes.text(
                        c + 0.5, r + 0.5, fmt(float(value)), ha="center", va="center",
                        color=colour, fontsize=9,
                    )  # fmt: skip
        bar = figure.colorbar(mesh, ax=axes, label=value_label, fraction=0.04, pad=0.02)
        bar.outline.set_visible(False)
        _ticks(bar.ax.yaxis, number_format)

    return _render(chart_id, title, summary, (width_px, height), draw)

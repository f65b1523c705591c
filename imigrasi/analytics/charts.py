"""Dashboard charts: matplotlib drawn on the server as inline SVG, with no JavaScript.

Why post-process matplotlib's SVG: the Content-Security-Policy (``style-src 'self'``) forbids
inline styles, and matplotlib writes ``style="…"`` on every element and a ``<style>`` element
(the browser would drop both and draw the chart black). Each declaration becomes an SVG
presentation attribute, which CSP does not govern. Text stays text (``svg.fonttype = none``):
small, searchable, scalable. Each chart is ``role="img"`` labelled by its title and a
plain-language summary; the page also shows the figures as a table, so nothing depends on
seeing the picture (or telling colours apart: lines also differ by dash, with a legend).

Only ``Figure`` objects are used (never pyplot). rcParams are process-global, so rendering
holds a lock: ``rc_context`` in two threads at once would mix their settings. For speed,
category names and value labels are written as SVG ``<text>`` here (a matplotlib Tick or Text
costs ~0.5 ms) and the layout is one measuring pass instead of a layout engine's redraws.

Empty input (no points, or nothing but NaN) raises ValueError: the page shows text instead.
"""

from __future__ import annotations

import datetime as dt
import functools
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
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.colors import ListedColormap, Normalize, to_rgb
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.ft2font import LoadFlags
from matplotlib.legend import Legend
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator
from matplotlib.transforms import Bbox

SVG = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# GOV.UK palette: each at least 3:1 against white; lines also differ by dash.
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92")
DASHES: tuple[Any, ...] = ("solid", "dashed", "dashdot", (0, (1, 1.5)), (0, (6, 2, 1, 2, 1, 2)))
BAND_COLOUR, GREY, GRID = "#bbd4ea", "#505a5f", "#dddddd"
TEXT_DARK, TEXT_LIGHT = "#0b0c0c", "#ffffff"
FONT_STACK = "Arial, Helvetica, 'Liberation Sans', sans-serif"
FONT_SIZE = 11
CENTRE = 0.36  # baseline offset (em) that centres digits and capitals on a point
RC: Any = {
    "svg.fonttype": "none",
    "svg.hashsalt": "imigrasi-charts",
    "text.parse_math": False,  # "$" in a label is a dollar sign, not TeX
    "font.family": "sans-serif",
    "font.sans-serif": ["Liberation Sans", "Arial", "DejaVu Sans"],  # for measuring only
    "font.size": FONT_SIZE,
    "path.simplify": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": GREY,
    "legend.frameon": False,
}
# style="…" declarations kept as attributes (font-family is set once, on the root).
PRESENTATION = {
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset",
    "stroke-miterlimit", "opacity", "font-size", "font-weight", "font-style", "text-anchor",
    "dominant-baseline", "clip-path", "letter-spacing",
}  # fmt: skip
# Inherited by children (clip-path is not, but clipping the group is the same here).
INHERITED = (
    "clip-path", "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity",
    "stroke-dasharray", "stroke-linecap", "stroke-linejoin", "font-size", "text-anchor",
)  # fmt: skip
ROUNDED = {"d", "x", "y", "width", "height", "transform", "points", "stroke-dasharray"}
_NUMBER = re.compile(r"-?\d+\.\d+")
_URL = re.compile(r"url\(#([^)]+)\)")
_CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_LOCK = threading.Lock()

NumberFormat = Callable[[float], str]
Label = tuple[float, float, str, dict[str, str]]  # SVG x, y (downwards), text, attributes


@dataclass(frozen=True)
class Chart:
    """``svg`` is a complete ``<svg>`` element, escaped, safe to inline as it is."""

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


def _clean(svg: bytes, chart_id: str, title: str, summary: str, labels: list[Label]) -> str:
    """matplotlib's SVG → CSP-safe, id-prefixed, accessible, compact inline markup."""
    root = ET.fromstring(svg)  # noqa: S314 - our own matplotlib output, never user input
    prefix = f"{chart_id}-chart"
    referenced: dict[str, str] = {}  # ids used by url(#…) or href="#…" → short prefixed ids
    for element in root.iter():
        for key, value in element.attrib.items():
            names = _URL.findall(value) + ([value[1:]] if key == XLINK_HREF else [])
            for name in names:
                referenced.setdefault(name, f"{prefix}-{len(referenced) + 1}")
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag.rsplit("}", 1)[-1] in {"style", "metadata", "script", "foreignObject"}:
                parent.remove(child)
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{SVG}}}")  # xmlns is set on the root
        for declaration in element.attrib.pop("style", "").split(";"):
            name, _sep, value = (part.strip() for part in declaration.partition(":"))
            if name in PRESENTATION and value:
                element.set(name, value.removesuffix("px") if name == "font-size" else value)
        old_id = element.attrib.pop("id", None)
        if old_id in referenced:
            element.set("id", referenced[old_id])
        if XLINK_HREF in element.attrib:
            element.set("href", "#" + referenced[element.attrib.pop(XLINK_HREF)[1:]])
        for key, value in list(element.attrib.items()):
            if "url(#" in value:
                element.set(key, _URL.sub(lambda m: f"url(#{referenced[m[1]]})", value))
            elif key in ROUNDED and element is not root:
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
    # Our labels, alike ones next to each other so that _hoist shares their attributes.
    for x, y, text, attributes in sorted(labels, key=lambda label: sorted(label[3].items())):
        element = ET.SubElement(root, "text", {"x": f"{x:.1f}", "y": f"{y:.1f}", **attributes})
        element.text = text
    _hoist(root)
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
            "font-size": str(FONT_SIZE),
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
            parent[index:index] = list(child)
            continue  # look again at what took its place
        index += 1


def _hoist(parent: ET.Element) -> None:
    """Move attributes shared by ≥ 3 siblings in a row (cells, tick labels, value labels)
    onto a ``<g>`` around them: a third off the size. Never inside ``<defs>``: ``<use>`` does
    not inherit from the referenced element's parent."""
    if parent.tag in ("defs", "clipPath"):
        return
    children, kept, start = list(parent), [], 0
    for child in children:
        _hoist(child)
    while start < len(children):
        first, end = children[start], start + 1
        shared = {key: first.attrib[key] for key in INHERITED if key in first.attrib}
        if end < len(children):
            shared = {k: v for k, v in shared.items() if children[end].get(k) == v}
        while end < len(children) and shared and shared.items() <= children[end].attrib.items():
            end += 1
        if end - start < 3 or not shared:
            kept.append(first)
            start += 1
            continue
        group = ET.Element("g", shared)
        for child in children[start:end]:
            for key in shared:
                del child.attrib[key]
            group.append(child)
        kept.append(group)
        start = end
    parent[:] = kept


def _render(
    chart_id: str, title: str, summary: str, size: tuple[int, int], draw: Callable[[_Canvas], None]
) -> Chart:
    if not _CHART_ID.fullmatch(chart_id):
        raise ValueError(f"chart_id must be a plain HTML id, not {chart_id!r}")
    buffer = io.BytesIO()
    with _LOCK, mpl.rc_context(RC):
        canvas = _Canvas(Figure(figsize=(size[0] / 72, size[1] / 72), dpi=72), size)
        draw(canvas)
        canvas.figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = _clean(buffer.getvalue(), chart_id, title, summary, canvas.labels)
    return Chart(title=title, svg=svg)


@functools.cache
def _advance(char: str, font_path: str) -> float:
    font = get_font(font_path)
    font.set_size(100, 72)
    return float(font.load_char(ord(char), flags=LoadFlags.NO_HINTING).linearHoriAdvance) / 6553600


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    """Sum of advance widths in the font matplotlib measures with, +3 % for kerning: ~100×
    faster than matplotlib 3.11's measurement, which shapes every string. Only call it inside
    _render: the font comes from RC."""
    font_path = str(findfont(FontProperties()))
    return 1.03 * size * sum(_advance(char, font_path) for char in text)


class _Canvas:
    """One figure, the labels this module writes itself, and a one-pass layout."""

    def __init__(self, figure: Figure, size: tuple[int, int]) -> None:
        self.figure, (self.width, self.height) = figure, size
        self.renderer = RendererSVG(self.width, self.height, io.StringIO())  # measures only
        self.labels: list[Label] = []

    def label(
        self, axes: Axes, x: float, y: float, text: str, *, dx: float = 0, dy: float = 0,
        size: float = FONT_SIZE, attributes: dict[str, str] | None = None,
    ) -> None:  # fmt: skip
        """``text`` vertically centred on data point (x, y), moved by (dx, dy) px."""
        px, py = (float(v) for v in axes.transData.transform((x, y)))
        attributes = dict(attributes or {})
        if size != FONT_SIZE:
            attributes["font-size"] = f"{size:g}"
        self.labels.append((px + dx, self.height - py + dy + CENTRE * size, text, attributes))

    def categories(
        self, axes: Axes, axis: str, names: Sequence[str], rotate: bool, offset: float = 0
    ) -> None:
        """Names beside (y) or below (x) the positions 0, 1, … (+ offset)."""
        box = axes.get_window_extent()
        centre, top = CENTRE * FONT_SIZE, self.height - box.y0 + 6
        for position, name in enumerate(names):
            x, y = (float(v) for v in axes.transData.transform((position + offset,) * 2))
            lines = name.split("\n")
            for index, line in enumerate(lines):
                shift = (index - (len(lines) - 1) / 2) * 1.2 * FONT_SIZE
                if axis == "y":
                    y_svg = self.height - y + shift + centre
                    self.labels.append((box.x0 - 6, y_svg, line, {"text-anchor": "end"}))
                elif rotate:
                    turn = {"text-anchor": "end", "transform": f"rotate(-90 {x:.1f} {top:.1f})"}
                    self.labels.append((x, top + centre, line, turn))
                else:
                    y_svg = top + (1.2 * index + 0.8) * FONT_SIZE
                    self.labels.append((x, y_svg, line, {"text-anchor": "middle"}))

    def legend(self, columns: int) -> Legend:
        """A legend along the top, in as many of ``columns`` as fit the width."""
        while True:
            legend = self.figure.legend(
                loc="upper left", ncols=columns, handlelength=3, borderaxespad=0, borderpad=0
            )
            if columns == 1 or legend.get_window_extent(self.renderer).width < self.width - 16:
                return legend
            legend.remove()
            columns -= 1

    def fit(
        self, axes: Axes, *, legend: Legend | None = None, bar: Axes | None = None,
        left: float = 0, bottom: float = 0,
    ) -> None:  # fmt: skip
        """Place the axes so its tick and axis labels (and ``left``/``bottom`` px for our own
        labels, the legend above, the colour bar to the right) just fit."""
        pad, gap = 8.0, 12.0
        top = self.height - pad
        if legend is not None:
            top -= legend.get_window_extent(self.renderer).height + gap / 2
        inner = axes.get_window_extent()
        boxes = [axes.xaxis.get_tightbbox(self.renderer), axes.yaxis.get_tightbbox(self.renderer)]
        outer = Bbox.union([inner, *(box for box in boxes if box is not None)])
        right = self.width - pad - max(outer.x1 - inner.x1, 0.0)
        if bar is not None:
            bar_box = bar.get_window_extent()
            bar_outer = bar.yaxis.get_tightbbox(self.renderer) or bar_box
            right = self.width - pad - (bar_outer.x1 - bar_box.x0) - gap
        x0 = pad + max(inner.x0 - outer.x0, left)
        y0 = pad + max(inner.y0 - outer.y0, bottom)
        y1 = top - max(outer.y1 - inner.y1, 0.0)
        to_figure = self.figure.transFigure.inverted()
        axes.set_position(Bbox.from_extents(x0, y0, right, y1).transformed(to_figure))
        if bar is not None:
            bar.set_position(
                Bbox.from_extents(right + gap, y0, right + gap + 12, y1).transformed(to_figure)
            )
        if legend is not None:
            legend.set_bbox_to_anchor((x0 / self.width, 1 - pad / self.height))


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
    """Numeric, language-neutral dates ("2026-03"; "03-15" with "2026" at the end): matplotlib's
    month names would be English whatever the page's language."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    formatter = mdates.ConciseDateFormatter(
        locator,
        formats=["%Y", "%Y-%m", "%m-%d", "%H:%M", "%H:%M", "%S.%f"],
        zero_formats=["", "%Y-%m", "%Y-%m-%d", "%m-%d", "%H:%M", "%H:%M"],
        offset_formats=["", "", "%Y", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d %H:%M"],
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
    """Lines over dates (or ISO date strings), an optional shaded band and a vertical marker
    (e.g. today, named in the legend by ``marker_label``). NaN leaves a gap; ``number_format``
    formats the y tick labels. Raises ValueError when there is nothing to draw or a series or
    the band has not one value per x."""
    lengths = [len(s.values) for s in series] + ([len(band.lo), len(band.hi)] if band else [])
    if any(length != len(x) for length in lengths):
        raise ValueError("every series and the band need one value per x")
    if not x or not any(_finite(s.values) for s in series):
        raise ValueError("nothing to draw")
    days = mdates.date2num([_as_date(value) for value in x])

    def draw(canvas: _Canvas) -> None:
        axes = canvas.figure.add_subplot()
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
                float(mdates.date2num(_as_date(marker))), color=GREY, linewidth=1.2,
                linestyle=(0, (2, 2)), label=marker_label or "_marker",
            )  # fmt: skip
        if len(x) > 1:
            axes.set_xlim(float(days.min()), float(days.max()))
        _date_axis(axes)
        _ticks(axes.yaxis, number_format)
        axes.set_ylim(bottom=min(0.0, axes.get_ylim()[0]))
        axes.set(xlabel=x_label, ylabel=y_label)
        axes.grid(axis="y", color=GRID, linewidth=0.6)
        canvas.fit(axes, legend=canvas.legend(4))

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
    ``1,234``; none for NaN), and an optional target line (e.g. the promised time), named in a
    legend by ``target_label`` (else by its value). Raises ValueError when there is nothing to
    draw or not one value per category."""
    if len(categories) != len(values):
        raise ValueError("one value per category")
    if not categories or not _finite(values):
        raise ValueError("nothing to draw")
    fmt = number_format or default_number
    numbers = np.asarray(values, float)
    rotate = not horizontal and len(categories) > 8
    wrap = 28 if horizontal else 14
    names = [
        textwrap.shorten(str(name), 28, placeholder="…")
        if rotate
        else textwrap.fill(str(name), wrap, max_lines=2, placeholder="…")
        for name in categories
    ]
    texts = [fmt(float(value)) if math.isfinite(value) else "" for value in numbers]
    height = height_px or (80 + 26 * len(categories) if horizontal else 320)

    def draw(canvas: _Canvas) -> None:
        axes = canvas.figure.add_subplot()
        positions = np.arange(len(categories))
        if horizontal:
            axes.barh(positions, numbers, color=COLOURS[0], height=0.7)
            axes.set(ylim=(len(categories) - 0.5, -0.5), xlabel=value_label)
        else:
            axes.bar(positions, numbers, color=COLOURS[0], width=0.7)
            axes.set(xlim=(-0.5, len(categories) - 0.5), ylabel=value_label)
        (axes.yaxis if horizontal else axes.xaxis).set_major_locator(NullLocator())
        legend = None
        if target is not None:
            (axes.axvline if horizontal else axes.axhline)(
                target, color=COLOURS[1], linestyle="dashed", linewidth=1.5,
                label=target_label or fmt(target),
            )  # fmt: skip
            legend = canvas.legend(1)
        low = min(float(np.nanmin(numbers)), target or 0.0, 0.0)
        high = max(float(np.nanmax(numbers)), target or 0.0, 0.0) or 1.0
        set_limits = axes.set_xlim if horizontal else axes.set_ylim
        set_limits(low * 1.1, high * 1.1)
        _ticks(axes.xaxis if horizontal else axes.yaxis, number_format)
        axes.grid(axis="x" if horizontal else "y", color=GRID, linewidth=0.6)
        axes.set_axisbelow(True)
        longest = max(_text_width(line) for name in names for line in name.split("\n"))
        under = longest if rotate else 1.2 * FONT_SIZE * max(n.count("\n") + 1 for n in names)
        left, bottom = (longest + 8, 0.0) if horizontal else (0.0, under + 8)
        canvas.fit(axes, legend=legend, left=left, bottom=bottom)
        # Room for the value labels beyond the longest bar, now that the axes' size is known.
        box = axes.get_window_extent()
        room = box.width if horizontal else box.height
        need = (max(_text_width(text, 10) for text in texts) if horizontal else 14.0) + 8
        set_limits(low * 1.1, high * room / max(room - need, room / 2))
        canvas.categories(axes, "y" if horizontal else "x", names, rotate)
        for position, value, text in zip(range(len(texts)), numbers, texts, strict=True):
            if text and horizontal:
                canvas.label(axes, value, position, text, dx=4, size=10)
            elif text:
                middle = {"text-anchor": "middle"}
                canvas.label(axes, position, value, text, dy=-9, size=10, attributes=middle)

    return _render(chart_id, title, summary, (width_px, height), draw)


def _luminance(colour: Any) -> float:
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _text_colour(background: Any) -> str:
    """Dark or white text, whichever contrasts more with the cell (WCAG contrast ratio)."""
    cell = _luminance(background)
    dark = (cell + 0.05) / (_luminance(TEXT_DARK) + 0.05)
    return TEXT_DARK if dark >= (_luminance(TEXT_LIGHT) + 0.05) / (cell + 0.05) else TEXT_LIGHT


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
    NaN is "no data": a white, unlabelled cell. Each cell shows its value (``number_format``,
    default ``1,234``) in dark or white text, whichever contrasts more, when every value fits
    its cell (``annotate`` forces it either way). Raises ValueError when there is nothing to
    draw or the values do not match the row and column labels."""
    if len(values) != len(rows) or any(len(row) != len(columns) for row in values):
        raise ValueError("values need one row per row label and one value per column")
    grid = np.asarray(values, float).reshape(len(rows), len(columns))
    if not rows or not columns or not np.isfinite(grid).any():
        raise ValueError("nothing to draw")
    fmt = number_format or default_number
    cmap = ListedColormap(mpl.colormaps["Blues"](np.linspace(0.2, 1.0, 8)), bad=TEXT_LIGHT)
    finite = grid[np.isfinite(grid)]
    low, high = min(0.0, float(finite.min())), float(finite.max())
    norm = Normalize(vmin=low, vmax=high if high > low else low + 1)
    texts = {(r, c): fmt(float(v)) for (r, c), v in np.ndenumerate(grid) if math.isfinite(v)}
    rotate = len(columns) > 12

    def draw(canvas: _Canvas) -> None:
        axes = canvas.figure.add_subplot()
        mesh = axes.pcolormesh(
            np.ma.masked_invalid(grid), cmap=cmap, norm=norm, edgecolors=TEXT_LIGHT, linewidth=1
        )
        axes.set_ylim(len(rows), 0)
        axes.xaxis.set_major_locator(NullLocator())
        axes.yaxis.set_major_locator(NullLocator())
        for spine in axes.spines.values():
            spine.set_visible(False)
        bar_axes = canvas.figure.add_axes((0.9, 0.1, 0.02, 0.8))
        bar = canvas.figure.colorbar(mesh, cax=bar_axes, label=value_label)
        bar.outline.set_visible(False)
        _ticks(bar.ax.yaxis, number_format)
        # Measured inside _render: the font comes from its rc_context.
        left = max(_text_width(str(name)) for name in rows) + 8
        below = max(_text_width(str(name)) for name in columns) if rotate else 1.2 * FONT_SIZE
        canvas.fit(axes, bar=bar_axes, left=left, bottom=below + 8)
        canvas.categories(axes, "y", rows, rotate=False, offset=0.5)
        canvas.categories(axes, "x", columns, rotate=rotate, offset=0.5)
        cell = axes.get_window_extent().width / len(columns)
        fits = max(_text_width(text, 9) for text in texts.values()) <= cell - 2
        if annotate or (annotate is None and fits):
            for (r, c), text in texts.items():
                colour = {"fill": _text_colour(cmap(norm(grid[r, c]))), "text-anchor": "middle"}
                canvas.label(axes, c + 0.5, r + 0.5, text, size=9, attributes=colour)

    height = 110 + 30 * len(rows) if height_px is None else height_px
    return _render(chart_id, title, summary, (width_px, height), draw)

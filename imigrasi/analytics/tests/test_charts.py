"""The dashboard's SVG charts: CSP-safe, accessible, deterministic, small."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import matplotlib as mpl
import pytest

from imigrasi.analytics import charts
from imigrasi.analytics.charts import Band, Chart, Series

SVG = "{http://www.w3.org/2000/svg}"
START = dt.date(2026, 1, 1)
DAYS = [START + dt.timedelta(days=n) for n in range(365)]
WEEKDAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
HOURS = [f"{hour:02d}:00" for hour in range(24)]
NAN = float("nan")


def visitors(day: int) -> float:
    return 200 + 60 * math.sin(day * 2 * math.pi / 7) + (day * 37 % 23)


def line(chart_id: str = "forecast") -> Chart:
    """A year of daily visitors: actual until today, then the forecast with its 80 % band."""
    today = 300
    forecast = [visitors(d) + 5 if d >= today - 28 else NAN for d in range(365)]
    return charts.line_chart(
        chart_id=chart_id,
        title="Visitors: actual and forecast",
        summary="About 1,400 visitors are expected in the next 7 days.",
        x_label="Date",
        y_label="Visitors",
        x=DAYS,
        series=[
            Series("Actual", [visitors(d) if d < today else NAN for d in range(365)]),
            Series("Forecast", forecast),
        ],
        band=Band("80 % range", [v - 30 for v in forecast], [v + 30 for v in forecast]),
        marker=DAYS[today],
        marker_label="Today",
    )


def bars(chart_id: str = "processing", **options: object) -> Chart:
    """Median processing days for 20 services, against a promised time of 7 days."""
    return charts.bar_chart(
        chart_id=chart_id,
        title="Processing time by service",
        summary="Most services are decided within the promised 7 days.",
        categories=[f"Service {n}: an application with a long name" for n in range(20)],
        values=[1.5 + (n * 7 % 11) for n in range(20)],
        value_label="Median days",
        target=7,
        target_label="Promised time",
        **options,  # type: ignore[arg-type]
    )


def grid() -> list[list[float]]:
    """Arrivals per weekday and hour: offices open 07:00–17:59, closed on Sunday."""
    return [
        [float((w * 24 + h) % 61) if 7 <= h < 18 and w < 6 else NAN for h in range(24)]
        for w in range(7)
    ]


def heat(chart_id: str = "heatmap", **options: object) -> Chart:
    return charts.heatmap(
        chart_id=chart_id,
        title="Visitors per hour by weekday",
        summary="Arrivals peak on Monday mornings.",
        rows=WEEKDAYS,
        columns=HOURS,
        values=grid(),
        value_label="Visitors per hour",
        **options,  # type: ignore[arg-type]
    )


@functools.cache
def realistic() -> dict[str, Chart]:
    return {"line": line(), "bars": bars(), "heatmap": heat()}


@pytest.fixture(params=["line", "bars", "heatmap"])
def chart(request: pytest.FixtureRequest) -> Chart:
    return realistic()[request.param]


def root_of(chart: Chart) -> ET.Element:
    return ET.fromstring(chart.svg)  # noqa: S314 - parsing our own output


def local(element: ET.Element) -> str:
    return element.tag.removeprefix(SVG)


def effective(root: ET.Element, name: str) -> dict[ET.Element, str | None]:
    """Each element's value of an inherited attribute, as the browser resolves it."""
    values: dict[ET.Element, str | None] = {}

    def walk(element: ET.Element, inherited: str | None) -> None:
        values[element] = element.get(name, inherited)
        for child in element:
            walk(child, values[element])

    walk(root, None)
    return values


def texts(chart: Chart) -> list[str]:
    return [e.text or "" for e in root_of(chart).iter(f"{SVG}text")]


def test_the_output_is_one_well_formed_svg_element_with_nothing_before_it(chart: Chart) -> None:
    assert local(root_of(chart)) == "svg"
    assert chart.svg.startswith("<svg ")
    for unwanted in ("<?xml", "<!DOCTYPE", "<!--", "\n "):
        assert unwanted not in chart.svg


def test_no_style_element_and_no_style_attribute_survive_for_csp(chart: Chart) -> None:
    for element in root_of(chart).iter():
        assert local(element) != "style"
        assert "style" not in element.attrib
    assert "style" not in chart.svg


def test_nothing_runs_and_nothing_loads_from_elsewhere(chart: Chart) -> None:
    root = root_of(chart)
    assert {local(e) for e in root.iter()}.isdisjoint(
        {"script", "foreignObject", "image", "metadata", "a"}
    )
    for element in root.iter():
        for key, value in element.attrib.items():
            if key == "href":
                assert value.startswith("#")
            assert "url(" not in value or value.startswith("url(#")
            assert not key.startswith("on")
    assert chart.svg.count("http") == 1  # the xmlns, nothing else


def test_the_chart_is_an_image_named_by_its_title_and_described_by_its_summary() -> None:
    chart = heat()
    root = root_of(chart)
    assert root.get("role") == "img"
    assert root.get("focusable") == "false"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    assert local(by_id[title_id]) == "title"
    assert by_id[title_id].text == "Visitors per hour by weekday" == chart.title
    assert local(by_id[desc_id]) == "desc"
    assert by_id[desc_id].text == "Arrivals peak on Monday mornings."


def test_markup_in_titles_and_labels_stays_text() -> None:
    chart = charts.bar_chart(
        chart_id="tricky",
        title='<script>alert("x")</script> & co',
        summary="Costs $5 and $6 — not TeX",
        categories=["<b>bold</b>", "$x$"],
        values=[1, 2],
        value_label="a < b",
    )
    root = root_of(chart)
    assert root.find(f"{SVG}title").text == '<script>alert("x")</script> & co'  # type: ignore[union-attr]
    assert "<script" not in chart.svg
    assert {"<b>bold</b>", "$x$", "a < b"} <= set(texts(chart))


def test_two_charts_on_one_page_share_no_ids_and_each_resolves_its_own_references() -> None:
    first, second = root_of(line("first")), root_of(line("second"))
    ids_first = {e.attrib["id"] for e in first.iter() if "id" in e.attrib}
    ids_second = {e.attrib["id"] for e in second.iter() if "id" in e.attrib}
    assert ids_first.isdisjoint(ids_second)
    assert all(i.startswith("first-") for i in ids_first)
    for root, ids in ((first, ids_first), (second, ids_second)):
        for element in root.iter():
            for value in element.attrib.values():
                for target in re.findall(r"url\(#([^)]+)\)", value):
                    assert target in ids
            if element.get("href"):
                assert element.get("href", "")[1:] in ids


def test_the_same_input_gives_the_same_bytes() -> None:
    assert line().svg == line().svg
    assert bars().svg == bars().svg
    assert heat().svg == heat().svg


def test_charts_drawn_in_parallel_threads_are_the_same_as_drawn_alone() -> None:
    alone = realistic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        drawn = list(pool.map(lambda build: build(), [line, bars, heat] * 3))
    assert [c.svg for c in drawn] == [alone[n].svg for n in ("line", "bars", "heatmap")] * 3


def test_drawing_leaves_the_global_matplotlib_settings_alone() -> None:
    before = dict(mpl.rcParams)
    heat()
    assert dict(mpl.rcParams) == before


def test_realistic_charts_stay_under_40_kb(chart: Chart) -> None:
    assert len(chart.svg.encode()) < 40_000


def test_the_chart_scales_with_its_container(chart: Chart) -> None:
    root = root_of(chart)
    assert root.get("width") == "100%"
    assert "height" not in root.attrib
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox", ""))
    assert root.get("preserveAspectRatio") == "xMidYMid meet"


def test_coordinates_are_rounded_to_a_tenth(chart: Chart) -> None:
    assert not re.search(r"\d\.\d\d", chart.svg.replace(chart.title, ""))


def test_lines_carry_their_colours_and_dashes_as_attributes_so_csp_cannot_blank_them() -> None:
    root = root_of(line())
    strokes, dashes = effective(root, "stroke"), effective(root, "stroke-dasharray")
    fills = effective(root, "fill")
    paths = [p for p in root.iter(f"{SVG}path") if p.get("d", "").count("L") > 50]
    paths = [p for p in paths if fills[p] == "none"]
    assert {strokes[p] for p in paths} == {"#1d70b8", "#d4351c"}  # actual, forecast
    assert len({dashes[p] for p in paths}) == 2  # told apart without colour too
    assert "#bbd4ea" in {fills[p] for p in root.iter(f"{SVG}path")}  # the band


def test_text_stays_text_in_a_generic_sans_serif_font(chart: Chart) -> None:
    root = root_of(chart)
    assert root.get("font-family", "").endswith("sans-serif")
    assert texts(chart)
    assert not [e for e in root.iter(f"{SVG}path") if "DejaVu" in (e.get("id") or "")]


def test_the_legend_names_every_line_the_band_and_the_marker() -> None:
    assert {"Actual", "Forecast", "80 % range", "Today"} <= set(texts(line()))


def test_dates_are_written_as_numbers_not_english_month_names() -> None:
    labels = texts(line())
    assert "2026-03" in labels
    assert not any(month in " ".join(labels) for month in ("Jan", "Feb", "Mar", "Apr", "May"))
    short = charts.line_chart(
        chart_id="short",
        title="t",
        summary="s",
        x_label="Date",
        y_label="Visitors",
        x=[d.isoformat() for d in DAYS[40:70]],
        series=[Series("Actual", [visitors(d) for d in range(30)])],
    )
    assert re.search(r"\b0[23]-\d\d\b", " ".join(texts(short)))


def test_bars_show_their_values_formatted_by_the_caller_and_the_target_line() -> None:
    chart = bars(number_format=lambda v: f"{v:.1f}".replace(".", ",") + " hari")
    labels = texts(chart)
    assert "1,5 hari" in labels
    assert "Promised time" in labels
    assert "Service 0: an application" in " ".join(labels)
    strokes = effective(root_of(chart), "stroke")
    assert "#d4351c" in strokes.values()


def test_vertical_bars_are_drawn_too() -> None:
    assert "8" in texts(bars(horizontal=False))


def cell_labels(chart: Chart) -> list[str]:
    """Texts in the heatmap's cells (9 px), not the colour bar's tick labels (11 px)."""
    root = root_of(chart)
    sizes = effective(root, "font-size")
    return [e.text or "" for e in root.iter(f"{SVG}text") if sizes[e] == "9"]


def test_heatmap_labels_cells_with_data_and_leaves_cells_without_data_unlabelled() -> None:
    chart = heat(number_format=lambda v: f"v{v:g}")
    labels = cell_labels(chart)
    finite = [v for row in grid() for v in row if not math.isnan(v)]
    assert sorted(labels) == sorted(f"v{v:g}" for v in finite)
    assert "vnan" not in chart.svg


def test_heatmap_numbers_contrast_with_their_cell() -> None:
    root = root_of(heat(number_format=lambda v: f"v{v:g}"))
    fills = effective(root, "fill")
    by_text = {e.text: fills[e] for e in root.iter(f"{SVG}text")}
    assert by_text["v0"] == "#0b0c0c"  # lightest cell: dark text
    assert by_text["v60"] == "#ffffff"  # darkest cell: white text


def test_heatmap_without_room_for_numbers_shows_only_colours() -> None:
    wide = charts.heatmap(
        chart_id="wide",
        title="t",
        summary="s",
        rows=["a"],
        columns=[str(n) for n in range(60)],
        values=[[1_000_000.0 + n for n in range(60)]],
        value_label="v",
    )
    assert cell_labels(wide) == []


@pytest.mark.parametrize(
    "build",
    [
        lambda: charts.line_chart(
            chart_id="c", title="t", summary="s", x_label="x", y_label="y", x=[], series=[]
        ),
        lambda: charts.line_chart(
            chart_id="c",
            title="t",
            summary="s",
            x_label="x",
            y_label="y",
            x=DAYS[:3],
            series=[Series("a", [NAN, NAN, NAN])],
        ),
        lambda: charts.line_chart(
            chart_id="c",
            title="t",
            summary="s",
            x_label="x",
            y_label="y",
            x=DAYS[:3],
            series=[Series("a", [1.0, 2.0])],
        ),
        lambda: charts.bar_chart(
            chart_id="c", title="t", summary="s", categories=[], values=[], value_label="v"
        ),
        lambda: charts.bar_chart(
            chart_id="c", title="t", summary="s", categories=["a"], values=[NAN], value_label="v"
        ),
        lambda: charts.heatmap(
            chart_id="c", title="t", summary="s", rows=[], columns=[], values=[], value_label="v"
        ),
        lambda: charts.heatmap(
            chart_id="c",
            title="t",
            summary="s",
            rows=["a"],
            columns=["b", "c"],
            values=[[NAN, NAN]],
            value_label="v",
        ),
        lambda: bars(chart_id='not an "id"'),
    ],
    ids=[
        "no points",
        "all NaN",
        "lengths differ",
        "no bars",
        "NaN bars",
        "empty grid",
        "NaN grid",
        "bad chart id",
    ],
)
def test_nothing_to_draw_raises_value_error_so_the_page_shows_text(build) -> None:
    with pytest.raises(ValueError):
        build()

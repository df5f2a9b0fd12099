"""Execute notebooks/g60_corridor_analysis.ipynb top to bottom (nbclient, kernel python3)."""

from __future__ import annotations

import ast
import base64
import html
import re
from pathlib import Path

import nbclient
import nbformat
import pyogrio
import pytest

import g60map

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "g60_corridor_analysis.ipynb"


def _tagged(nb, tag):
    cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}"
    return cells[0]


def _text(cell) -> str:
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif "data" in out:
            parts.append(out.data.get("text/plain", ""))
            parts.append(out.data.get("text/html", ""))
    return "\n".join(parts)


def test_notebook_is_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "no code cells"
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_notebook_uses_only_the_public_api():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    # IPython magics ("%matplotlib inline") are not Python
    tree = ast.parse(re.sub(r"(?m)^\s*%.*$", "", source))
    public_modules = {"g60map", "g60map.settings", "g60map.render.web.interactive"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("g60map"):
            assert node.module in public_modules, node.module
            assert all(not a.name.startswith("_") for a in node.names)
        if isinstance(node, ast.Import):
            for alias in node.names:
                assert not alias.name.startswith("g60map.") or alias.name in public_modules
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "g60map"
        ):
            assert not node.attr.startswith("_") or node.attr == "__version__", node.attr
            assert node.attr in g60map.__all__ or node.attr == "settings", node.attr


@pytest.mark.slow
def test_notebook_runs_top_to_bottom(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=300,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell

    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    # numbers are written for people: no exponent notation in any printed table or text
    shown = "\n".join(_text(c) for c in code if "map" not in (c.metadata.get("tags") or []))
    assert not re.findall(r"\d\.\d+e[+-]\d\d", shown)

    # measured numbers printed by the notebook are the API's numbers
    spokes = g60map.corridor_spokes()
    text = _text(_tagged(nb, "spokes"))
    for row in spokes.itertuples():
        assert f"{row.rank}. Songjiang -> {row.name_en:<10} {row.length_km:6.1f} km" in text
    assert "every seat lies in its own city polygon" in _text(_tagged(nb, "join"))
    own = _text(_tagged(nb, "own-tables"))
    for expected in ("Songjiang", "Jiaxing", "Hefei", "Wuhu", "1,250,000,000.0", "80,000,000.0",
                     "2022-03", "2023-11", "330402", "南湖区", "鸠江区", "Nanjing", "month"):
        assert expected in own, expected
    trunk_text = _text(_tagged(nb, "trunk"))
    assert "schematic" in trunk_text.lower() and "within 400 km" in trunk_text
    registry = _text(_tagged(nb, "registry-export"))
    for expected in ("qichacha_export.csv:3:成立日期: '2016-04-31' is not a calendar date",
                     "qichacha_export.csv:5:注册地址", "skipped: 1 bad row(s) skipped",
                     "partners: qichacha_export.csv (1 bad row(s) skipped)",
                     "flow: Shenzhen (440300) -> Songjiang, 1,179 km"):
        assert expected in registry, expected

    summary = _text(_tagged(nb, "summary"))
    assert "<table" in summary
    for name in g60map.load_cities()["name_en"]:
        assert name in summary
    assert f"{g60map.settings.USD_CNY_RATE:.4f} CNY per USD" in summary
    overview = _text(_tagged(nb, "overview"))
    assert "total_area_km2" in overview and "spoke_length_km_max" in overview

    # a static figure (PNG with real content) and an inline interactive map
    pngs = [
        base64.b64decode(o.data["image/png"])
        for o in _tagged(nb, "static-plot").outputs
        if "data" in o and "image/png" in o.data
    ]
    assert len(pngs) == 1 and pngs[0].startswith(b"\x89PNG") and len(pngs[0]) > 20_000
    map_html = "\n".join(
        o.data.get("text/html", "") for o in _tagged(nb, "map").outputs if "data" in o
    )
    assert re.search(r"<iframe|leaflet", map_html, re.IGNORECASE), "no inline map"
    assert "G60 trunk" in html.unescape(map_html)  # the corridor map, not a bare folium map

    # maps for reports: a static PNG, the HTML report and an embeddable fragment
    png = tmp_path / "outputs" / "g60_corridor_zh.png"
    assert png.read_bytes().startswith(b"\x89PNG")
    report = (tmp_path / "outputs" / "g60_corridor_report.html").read_text(encoding="utf-8")
    assert report.count("<table") >= 2 and "松江" in report
    assert "ids prefixed: True" in _text(_tagged(nb, "report"))

    # the export cell wrote a GeoPackage in the notebook's working folder
    gpkg = tmp_path / "outputs" / "g60_corridor.gpkg"
    assert gpkg.is_file()
    assert [n for n, _ in pyogrio.list_layers(gpkg)] == list(g60map.load_corridor().layers())

"""The reader's choices on the interactive map, without a browser: metrics and classes,
the groups the page sums, time periods, filters, flows, the CLI options, determinism."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import g60map
from g60map import settings
from g60map.cli import main
from g60map.corridor.classify import SCHEMES, classify
from g60map.corridor.metrics import city_metrics
from g60map.render.web import codec
from g60map.render.web.flowmap import MIN_WIDTH_PX, flow_width
from g60map.render.web.interactive import build_map, map_html
from g60map.render.web.views import ALWAYS, UNDATED, facets, row_attributes, time_axis
from tests._analyst import YEARS, analyst_corridor, analyst_tables


def _views(m) -> dict:
    return m.payload["choices"]


def _group_values(v: dict, entry: dict) -> np.ndarray:
    """The page's sum over every group, here in Python: the city values of the whole view."""
    out = np.zeros(len(v["codes"]))
    for g in v["groups"]:
        if g[0] == entry["table"]:
            out[g[1]] += g[4] if entry["col"] < 0 else g[5 + entry["col"]]
    if entry["area"]:
        out = out / np.asarray(v["area"]) * 1000
    return out


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_metric_is_classed_with_classify_and_summed_in_groups(scheme):
    corridor = analyst_corridor()
    m = build_map(corridor, basemap="none", metrics=["employees"], scheme=scheme)
    v = _views(m)
    table = city_metrics(corridor, ["employees"])
    assert v["codes"] == list(table.index) and v["scheme"] == scheme
    assert [e["key"] for e in v["list"]] == list(table.columns)
    for entry in v["list"]:
        values = table[entry["key"]].to_numpy(dtype=float)
        classes = classify(values, scheme, 5)
        assert entry["values"] == pytest.approx(values.tolist())
        assert entry["bins"] == pytest.approx(list(classes.bins))
        assert entry["cls"] == classes.index.tolist()
        assert len(entry["colors"]) == len(entry["labels"]) == classes.k
        assert entry["none"] == (scheme == "nice" or values[np.isfinite(values)].min() > 0)
        assert _group_values(v, entry) == pytest.approx(values, rel=1e-12)
    # the first metric named is shown first, and fills the member cities
    assert v["list"][v["metric"]]["key"] == "partners.employees"
    cls = dict(zip(v["codes"], v["list"][v["metric"]]["cls"], strict=True))
    for city in m.payload["cities"]:
        assert city["cls"] == (cls[city["code"]] if city["code"] in cls else -2)


def test_the_default_map_shows_hub_members_others_and_the_investment():
    m = build_map(basemap="none")
    v = _views(m)
    shown = v["list"][v["metric"]]
    assert shown["key"] == "partners"
    by_code = {c["code"]: c for c in m.payload["cities"]}
    hub = by_code[settings.HUB_CODE]
    assert hub["cls"] >= 0 and shown["colors"][hub["cls"]] != m.payload["style"]["zero"]
    # natural breaks (the default): no partner is a class of its own, the lightest
    assert [by_code[c]["cls"] for c in settings.MEMBER_CODES if c != settings.HUB_CODE] == \
        [0] * 8
    assert shown["labels"] == ["0", "1–6"] and hub["cls"] == 1
    assert sum(c["cls"] == -2 for c in m.payload["cities"]) == len(by_code) - 9
    invest = next(e for e in v["list"] if e["key"] == "invest_cny")
    assert invest["values"][v["codes"].index(settings.HUB_CODE)] == 15_000_000_000
    assert invest["cls"][v["codes"].index(settings.HUB_CODE)] == len(invest["bins"]) - 1
    assert m.payload["investments"]["n"] == 1 and m.payload["investments"]["rows"][0][7] == 15e9
    assert v["time"] is None  # one dated investment: no slider
    assert v["kinds"] == ["telecom operator", "cloud-native software", "local company"]


def test_class_labels_say_the_bounds():
    m = build_map(analyst_corridor(), basemap="none", metrics=["employees"])
    labels = {e["key"]: e["labels"] for e in _views(m)["list"]}
    for key in ("partners", "partners.employees"):  # whole numbers: lo–hi, contiguous
        spans = [tuple(int(x.replace(",", "")) for x in label.split("–")) for label in
                 labels[key]]
        for (lo, *hi), nxt in zip(spans, spans[1:], strict=False):
            assert nxt[0] == (hi[0] if hi else lo) + 1
    # amounts: the currency once and units against the numbers, never " m" (metres)
    assert all(x.startswith("CNY ") and re.search(r"\d(bn|M)$", x)
               for x in labels["invest_cny"][1:])
    assert not any(" m" in x for x in labels["invest_cny"])
    zh = build_map(analyst_corridor(), basemap="none", lang="zh")
    assert any("亿" in x for x in _views(zh)["list"][2]["labels"])


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_default_classes_keep_four_member_classes_apart_on_skewed_tables(seed, lang):
    """Hundreds of partners piled on a few cities, 1 million to 20 billion CNY, a long-tailed
    custom metric: the default classes give each metric 4+ member colours, and the legend
    reads amounts as money (CNY 20M–50M, 2,000万–5,000万元) and counts as whole numbers."""
    from tests._skewed import skewed_corridor

    m = build_map(skewed_corridor(seed), lang=lang, basemap="none", metrics=["employees"])
    v = _views(m)
    for entry in v["list"]:
        colours = {entry["colors"][i] for i in entry["cls"] if i >= 0}
        assert len(colours) >= 4, (entry["key"], entry["labels"])
        assert len(entry["labels"]) == settings.MAP_CLASSES
    # the page's member fills: the shown metric's classes
    shown = v["list"][v["metric"]]
    fills = {c["code"]: shown["colors"][c["cls"]] for c in m.payload["cities"] if c["cls"] >= 0}
    assert len(fills) == 9 and len(set(fills.values())) >= 4
    # every member has partners: a city the slider or a filter leaves none has no class
    assert v["list"][0]["key"] == "partners" and v["list"][0]["none"] == 1
    labels = {e["key"]: e["labels"] for e in v["list"]}
    for key in ("partners", "partners.employees"):
        assert all(re.fullmatch(r"[\d,]+(–[\d,]+)?", x) for x in labels[key]), labels[key]
    money = labels["invest_cny"]
    if lang == "en":
        assert all(re.fullmatch(r"CNY [\d.,]+(M|bn)?–[\d.,]+(M|bn)", x) for x in money), money
    else:
        assert all(re.fullmatch(r"[\d.,]+[万亿]?–[\d.,]+[万亿]元", x) for x in money), money


def test_the_class_vectors_are_what_python_gives():
    """tests/data/class_vectors.json (the page script's check) holds Python's answers now."""
    from tests._class_vectors import PATH, vectors

    assert json.loads(PATH.read_text("utf-8")) == vectors()


def test_time_axis_steps_by_year_or_month():
    years = pd.DataFrame({"date": pd.to_datetime([f"{y}-06-01" for y in YEARS]),
                          "date_precision": "day"})
    axis = time_axis([years], "en")
    assert axis.unit == "year" and axis.labels == tuple(str(y) for y in YEARS)
    assert time_axis([years], "zh").labels[0] == "2019年"
    months = pd.DataFrame({"date": pd.to_datetime(["2021-11-01", "2022-02-15"]),
                           "date_precision": ["month", "day"]})
    axis = time_axis([months], "zh")
    assert axis.unit == "month" and axis.labels == ("2021年11月", "2021年12月", "2022年1月",
                                                    "2022年2月")
    # a date given to the year only: years, even over a short span
    coarse = months.assign(date_precision=["year", "day"])
    assert time_axis([coarse], "en").labels == ("2021", "2022")
    long = pd.DataFrame({"date": pd.to_datetime(["2020-01-01", "2022-06-01"]),
                         "date_precision": "month"})
    assert time_axis([long], "en").unit == "year"  # 30 months > settings.MAP_TIME_MONTHS
    assert time_axis([months.iloc[:1]], "en") is None  # one period: no slider
    assert time_axis([pd.DataFrame({"name": ["a"]})], "en") is None


def test_periods_of_rows_undated_rows_and_tables_without_dates():
    axis = time_axis([pd.DataFrame({"date": pd.to_datetime(["2019-01-01", "2023-01-01"])})],
                     "en")
    frame = pd.DataFrame({"date": pd.to_datetime(["2021-05-01", None, "2019-12-31"])})
    assert axis.periods(frame).tolist() == [2, UNDATED, 0]
    assert axis.periods(pd.DataFrame({"name": ["a", "b"]})).tolist() == [ALWAYS, ALWAYS]


def test_filters_and_row_attributes():
    corridor = analyst_corridor()
    p, i = corridor.partners, corridor.investments
    found = facets(p, i, "en", {"no_kind": "(none)", "unknown_place": "(unknown)"})
    counts = p["kind"].value_counts()
    assert list(found.kinds) == sorted(counts.index, key=lambda k: (-counts[k], k))
    assert found.provinces == ("310000", "320000", "330000", "340000", "")
    assert found.province_labels[-1] == "(unknown)"  # the rows outside the four provinces
    axis = time_axis([p, i], "en")
    a = row_attributes(p, axis, found)
    assert a.shape == (24, 4)
    assert a[:, 0].tolist() == (pd.to_datetime(p["date"]).dt.year - YEARS[0]).tolist()
    assert [found.kinds[k] for k in a[:, 1]] == p["kind"].tolist()
    assert a[:, 3].tolist() == (~p["in_corridor"].astype(bool)).astype(int).tolist()
    assert (row_attributes(i, axis, found)[:, 1] == -1).all()  # investments have no kind
    # in the payload: 4 a drawn row, in the page's order
    m = build_map(corridor, basemap="none")
    attr = codec.decode_ints(m.payload["partners"]["attr"]).reshape(-1, 4)
    assert attr.tolist() == a.tolist()
    inv = codec.decode_ints(m.payload["investments"]["attr"]).reshape(-1, 4)
    dates = pd.to_datetime(i["date"]).dt.year - YEARS[0]
    cny = {r[7]: r for r in m.payload["investments"]["rows"]}
    assert len(cny) == 10
    for row, period in zip(m.payload["investments"]["rows"], inv[:, 0], strict=True):
        assert period == dates[i["amount_cny"] == row[7]].iat[0]


def test_flows_replace_the_spokes_with_widths_proportional_to_the_amount():
    corridor = analyst_corridor()
    m = build_map(corridor, basemap="none")
    flows = m.payload["flows"]
    assert m.payload["spokes"] == [] and len(flows["rows"]) == len(corridor.flows) == 8
    amounts = corridor.flows.set_index("row")["amount_cny"]
    page_rows = m.payload["investments"]["rows"]
    inv = corridor.investments.set_index("amount_cny")["row"]
    largest = float(amounts.max())
    for f in flows["rows"]:
        amount = page_rows[f["i"]][7]  # the flow's own investment, in the page's order
        assert amounts[inv[amount]] == pytest.approx(amount)
        assert f["w"] == pytest.approx(max(MIN_WIDTH_PX,
                                           settings.FLOW_MAX_WIDTH_PX * amount / largest), abs=0.01)
        assert re.match(r".+ to .+: CNY [\d.,]+(bn|M), [\d,]+ km$", f["tip"]), f["tip"]
    widths = [f["w"] for f in flows["rows"]]
    assert widths == sorted(widths, reverse=True) and widths[0] == settings.FLOW_MAX_WIDTH_PX
    assert [s["w"] for s in flows["sizes"]] == sorted((s["w"] for s in flows["sizes"]),
                                                      reverse=True)
    assert flow_width(float("nan"), largest) == MIN_WIDTH_PX
    # without the investments drawn, or without origins: no flows, the spokes stay
    only = build_map(corridor, basemap="none", tables=["partners"])
    assert only.payload["flows"] is None and len(only.payload["spokes"]) == 8
    plain = build_map(basemap="none")
    assert plain.payload["flows"] is None and len(plain.payload["spokes"]) == 8


def test_flows_name_their_origin_largest_total_first():
    corridor = analyst_corridor()
    flows = build_map(corridor, basemap="none").payload["flows"]
    total = corridor.flows.groupby("origin")["amount_cny"].sum()
    expected = sorted(total.index, key=lambda name: (-total[name], name))
    assert flows["origins"] == expected
    by_tip = {f["tip"]: flows["origins"][f["o"]] for f in flows["rows"]}
    assert len(by_tip) == 8
    assert all(tip.startswith(origin + " to ") for tip, origin in by_tip.items())
    assert max(f["w"] for f in flows["rows"]) == settings.FLOW_MAX_WIDTH_PX <= 6


def test_flows_are_shifted_with_the_basemap_datum():
    corridor = analyst_corridor()
    wgs = build_map(corridor, basemap="none").payload["flows"]["rows"][0]["line"]
    gcj = build_map(corridor, basemap="amap").payload["flows"]["rows"][0]["line"]
    a, b = codec.decode_path(wgs), codec.decode_path(gcj)
    shift = (b - a) / 10**settings.COORD_DECIMALS
    assert len(a) == len(b) and np.all(np.abs(shift) > 1e-4) and np.all(np.abs(shift) < 0.01)


def test_bad_metric_and_scheme_are_refused():
    with pytest.raises(ValueError, match="scheme"):
        build_map(basemap="none", scheme="jenks")
    with pytest.raises(g60map.G60InputError, match="headcount"):
        build_map(basemap="none", metrics=["headcount"])
    m = build_map(analyst_corridor(), basemap="none", metric="invest_cny")
    assert _views(m)["list"][_views(m)["metric"]]["key"] == "invest_cny"


def test_user_text_in_filters_and_metrics_stays_data():
    partners, investments = analyst_tables()
    hostile = "</script><img src=x onerror=alert(1)>"
    partners["kind"] = [hostile if k == "university" else k for k in partners["kind"]]
    partners = partners.rename(columns={"employees": hostile})
    m = build_map(g60map.load_corridor(partners, investments, outside="keep"),
                  basemap="none", metrics=[hostile])
    page = map_html(m)
    assert "<img src=x" not in page and "</script><img" not in page
    block = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, re.S)
    data = json.loads(block.group(1))
    assert hostile in data["choices"]["kinds"]
    assert data["choices"]["list"][data["choices"]["metric"]]["label"] == hostile


def test_cli_metric_and_scheme(tmp_path):
    partners, investments = analyst_tables()
    p, i = tmp_path / "p.csv", tmp_path / "i.csv"
    partners.iloc[:22].to_csv(p, index=False)  # the two outside the corridor would warn
    investments.to_csv(i, index=False)
    out = tmp_path / "out"
    assert main(["-q", "build", "--partners", str(p), "--investments", str(i), "--out",
                 str(out), "--basemap", "none", "--metric", "employees",
                 "--scheme", "quantiles"]) == 0
    page = (out / settings.MAP_FILENAME).read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, re.S)
    v = json.loads(block.group(1))["choices"]
    assert v["scheme"] == "quantiles"
    assert v["list"][v["metric"]]["key"] == "partners.employees"
    assert main(["-q", "build", "--partners", str(p), "--out", str(out), "--metric",
                 "nope"]) != 0


def test_the_analysts_map_is_byte_identical_across_builds():
    corridor = analyst_corridor()
    pages = [map_html(build_map(corridor, basemap="none", metrics=["employees"]),
                      self_contained=True) for _ in range(2)]
    assert pages[0] == pages[1]


def test_metrics_none_is_no_extra_metric_and_tables_none_draws_both():
    corridor = analyst_corridor()
    m = build_map(corridor, basemap="none", metrics=None, tables=None)
    assert [e["key"] for e in _views(m)["list"]] == ["partners", "partners_per_1000km2",
                                                     "invest_cny"]
    assert _views(m) == _views(build_map(corridor, basemap="none"))
    with pytest.raises(TypeError, match="metrics must be a list of column names"):
        build_map(corridor, basemap="none", metrics=5)
    with pytest.raises(TypeError, match="tables must be a collection"):
        build_map(corridor, basemap="none", tables=5)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_huge_values_are_labelled_as_powers_of_ten(tmp_path, scheme):
    path = tmp_path / "p.csv"
    path.write_text("name,city,staff\nA,Hangzhou,1e300\nB,Hefei,5e305\nC,Wuhu,2\n"
                    "D,Suzhou,1e20\nE,Jiaxing,123456789012345678\n", encoding="utf-8")
    m = build_map(g60map.load_corridor(path), basemap="none", metrics=["staff"],
                  scheme=scheme)
    entry = _views(m)["list"][_views(m)["metric"]]
    assert entry["labels"] and all(len(label) <= 25 for label in entry["labels"])
    assert not any(re.search(r"e[+-]?\d|\d{16}", label) for label in entry["labels"])
    assert re.search("×10³⁰[⁵⁶]$", entry["labels"][-1])
    assert entry["values"][_views(m)["codes"].index("340100")] == 5e305


def test_cli_build_refuses_infinite_cells_and_sums_beyond_a_float(tmp_path, capsys):
    inf = tmp_path / "inf.csv"
    inf.write_text("name,city,staff\nA,Hangzhou,5\nB,Hefei,1e309\n", encoding="utf-8")
    big = tmp_path / "big.csv"
    big.write_text("name,city,staff\n" + "".join(f"P{i},Hangzhou,1.7e308\n" for i in range(12)),
                   encoding="utf-8")
    out = tmp_path / "out"
    for path in (inf, big):
        assert main(["-q", "build", "--partners", str(path), "--out", str(out), "--basemap",
                     "none", "--metric", "staff", "--scheme", "nice"]) == 1
    err = capsys.readouterr().err
    assert f"{inf}:3:staff: '1e309' is not a finite number" in err
    assert "the metric partners.staff add up to more than" in err and "in Hangzhou" in err
    assert "Traceback" not in err and not out.exists()

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from g60map.cli import main


def test_info_lists_the_nine_cities(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    for name in ("Songjiang", "松江区", "Hefei", "341800"):
        assert name in out
    assert len(out.strip().splitlines()) == 10


def test_build_is_offline_by_default_and_cdn_is_the_small_page(tmp_path, capsys):
    offline, alias, small = tmp_path / "offline", tmp_path / "alias", tmp_path / "cdn"
    assert main(["-q", "build", "--out", str(offline), "--basemap", "none"]) == 0
    assert main(["-q", "build", "--out", str(alias), "--basemap", "none",
                 "--self-contained"]) == 0
    assert main(["-q", "build", "--out", str(small), "--basemap", "none", "--cdn"]) == 0
    page = (offline / "g60_corridor.html").read_bytes()
    assert (alias / "g60_corridor.html").read_bytes() == page  # --self-contained: a no-op
    assert b"<script src=" not in page and b"<link rel=" not in page
    assert b"L.MarkerClusterGroup" in page
    linked = (small / "g60_corridor.html").read_bytes()
    assert linked.count(b"<script src=\"https://cdn.jsdelivr.net/npm/") == 2
    assert b'role="alert"' in linked and b'role="alert"' not in page
    assert len(page) - len(linked) > 150_000


def test_build_cdn_and_self_contained_together_is_a_usage_error(tmp_path, capsys):
    assert main(["build", "--out", str(tmp_path), "--cdn", "--self-contained"]) == 2
    assert "not allowed with argument --cdn" in capsys.readouterr().err
    assert main(["build", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--cdn" in help_text and "accepted for compatibility and does nothing" in help_text


def test_validate_ok_and_bad(write_csv, capsys):
    good = write_csv("name,city\n中国电信,松江\n", name="g.csv", encoding="gb18030")
    assert main(["validate", good]) == 0
    bad = write_csv("name,city\nA,Atlantis\nA,Atlantis\n,Hefei\n", name="b.csv")
    assert main(["validate", bad, "--kind", "partners"]) == 1
    err = capsys.readouterr().err
    assert "4 problem(s)" in err  # 2 and 3 unknown, 3 duplicate, 4 empty
    assert f"{bad}:2:city" in err and f"{bad}:3" in err and f"{bad}:4:name" in err
    assert "Traceback" not in err


def test_validate_names_rows_placed_by_reading_an_old_unit(write_csv, capsys):
    f = write_csv("name,address\nA,苏州市沧浪区十全街\nB,杭州市西湖区古翠路80号\n",
                  name="old.csv")
    assert main(["validate", f]) == 0
    err = capsys.readouterr().err
    assert "note: 1 row(s) placed by reading a name as today's unit" in err
    assert f"{f}:2:address: 沧浪区 (abolished 2012) read as its successor 姑苏区" in err
    assert "outside the corridor" not in err


def test_validate_investments_and_missing_file(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "none.csv"), "--kind", "investments"]) == 1
    assert "file not found" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys):
    assert main([]) == 2
    assert main(["validate"]) == 2
    assert main(["validate", "x.csv", "--kind", "companies"]) == 2


def test_console_script_runs():
    proc = subprocess.run(
        [sys.executable, "-m", "g60map", "info"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and "Xuancheng" in proc.stdout


def test_python_m_g60map_runs_the_command_line(capsys):
    from g60map import __version__

    version = subprocess.run(
        [sys.executable, "-m", "g60map", "--version"], capture_output=True, text=True,
        check=False,
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"g60map {__version__}"
    info = subprocess.run(
        [sys.executable, "-m", "g60map", "info"], capture_output=True, text=True, check=False
    )
    assert info.returncode == 0, info.stderr
    assert main(["info"]) == 0
    assert info.stdout == capsys.readouterr().out  # the same table as the g60map command
    assert "Xuancheng" in info.stdout


@pytest.mark.parametrize(
    ("argv", "code", "out"),
    [(["--version"], 0, "g60map "), (["--help"], 0, "usage: g60map"), (["nosuch"], 2, "")],
)
def test_version_help_and_usage_import_no_table_or_map_library(argv, code, out):
    """``g60map --version``, ``--help`` and usage errors answer before geopandas loads."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "g60map", *argv],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == code, proc.stderr[-2000:]
    assert proc.stdout.startswith(out)
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:")
    }
    heavy = {"geopandas", "pandas", "numpy", "shapely", "pyarrow", "matplotlib", "folium"}
    assert not imported & heavy
    assert "g60map.cli._parser" in imported  # (the list is real)


def test_build_gb18030_partners_then_failed_build_keeps_previous_map(tmp_path, write_csv, capsys):
    partners = write_csv(
        "name,city,description\n阿里云,杭州,云计算\n中国移动,松江区,运营商\n",
        name="partners_gb.csv", encoding="gb18030",
    )
    out = tmp_path / "out"
    assert main(["build", "--out", str(out), "--partners", partners, "--basemap", "none"]) == 0
    target = out / "g60_corridor.html"
    assert capsys.readouterr().out.strip() == str(target)
    before = target.read_bytes()
    assert "阿里云" in before.decode("utf-8")

    bad = write_csv("name,city\nA,Atlantis\n,Hefei\n", name="bad.csv")
    assert main(["build", "--out", str(out), "--partners", bad, "--basemap", "none"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:city" in err and f"{bad}:3:name" in err and "Traceback" not in err
    assert target.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["g60_corridor.html"]  # no temp files left


def test_progress_on_stderr_and_quiet(tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path), "--format", "geojson"]) == 0
    captured = capsys.readouterr()
    assert "g60map: loading the corridor (the source article's tables) done" in captured.err
    assert "g60map:" not in captured.out  # stdout carries only the paths
    assert all(line.endswith(".geojson") for line in captured.out.split())
    assert main(["-q", "export", "--out", str(tmp_path), "--format", "geojson"]) == 0
    assert capsys.readouterr().err == ""


def test_unwritable_output_folder_is_one_clear_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["-q", "export", "--out", str(blocker / "sub"), "--format", "geojson"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot access") and "--out" in err and "Traceback" not in err


def test_dpi_is_capped_as_a_usage_error(capsys):
    assert main(["render", "--dpi", "1e9"]) == 2
    assert "at most 1200 dpi" in capsys.readouterr().err


def test_main_leaves_warning_handling_as_it_was(write_csv):
    before = warnings.showwarning
    main(["-q", "validate", write_csv("name,lon,lat\nA,121.55,29.87\n")])
    assert warnings.showwarning is before


# ------------------------------------------------------------------ bounded problem output


def _read_problems_csv(path):
    import csv

    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_validate_5000_bad_rows_prints_a_bounded_summary_and_writes_every_problem(
    write_csv, tmp_path, capsys
):
    from g60map import settings

    rows = 5_000
    path = write_csv("name,lon,lat\n" + "".join(f",x{i},y{i}\n" for i in range(rows)))
    listing = tmp_path / "problems.csv"
    assert main(["validate", path, "--problems", str(listing)]) == 1
    captured = capsys.readouterr()
    err = captured.err
    # Bounded by the number shown, not the number found: 100 lines of about path + 60 bytes.
    assert len(err.encode()) < (settings.MAX_PROBLEMS_SHOWN + 20) * (len(path) + 80)
    lines = err.splitlines()
    assert len(lines) < settings.MAX_PROBLEMS_SHOWN + 20
    assert lines[0] == f"{path}: 15,000 problem(s); the first {settings.MAX_PROBLEMS_SHOWN}:"
    assert lines[1] == f"{path}:2:lat: 'y0' is not a number (decimal degrees, e.g. 121.23)"
    assert "... 14,900 more not listed. All 15,000:" in lines
    assert "      10,000  not a number" in lines and "       5,000  empty cell" in lines
    assert "       5,000  lat" in lines
    assert lines[-1] == f"all 15,000 are listed in {listing}"
    table = _read_problems_csv(listing)
    assert table[0] == ["file", "row", "column", "problem", "kind", "level"]
    assert len(table) == 1 + 3 * rows
    assert table[1] == [path, "2", "lat", "'y0' is not a number (decimal degrees, e.g. 121.23)",
                        "not a number", "error"]
    assert {r[1] for r in table[1:]} == {str(r) for r in range(2, rows + 2)}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["problems.csv", "table.csv"]


def test_validate_without_problems_option_says_how_to_get_them(write_csv, capsys):
    path = write_csv("name,lon,lat\n" + ",x,y\n" * 200)
    assert main(["validate", path]) == 1
    err = capsys.readouterr().err
    assert err.rstrip().endswith("write them all to a CSV file with --problems FILE")


def test_build_with_bad_rows_writes_the_full_list_and_a_short_error(write_csv, tmp_path, capsys):
    rows = 5_000
    path = write_csv("name,city\n" + "".join(f"p{i},Atlantis{i}\n" for i in range(rows)))
    listing = tmp_path / "all.csv"
    out = tmp_path / "out"
    code = main(["-q", "build", "--out", str(out), "--partners", path, "--basemap", "none",
                 "--problems", str(listing)])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: 5,000 problems found; the first 100:\n")
    assert len(err.encode()) < 120 * (len(path) + 80) and "Traceback" not in err
    assert "       5,000  unknown city" in err.splitlines()
    assert len(_read_problems_csv(listing)) == rows + 1
    assert not out.exists()


def test_outside_corridor_rows_are_summarised_and_listed(write_csv, tmp_path, capsys):
    rows = 2_000
    path = write_csv(
        "name,lon,lat\n" + "".join(f"p{i},{100 + i * 1e-4:.4f},40\n" for i in range(rows))
    )
    listing = tmp_path / "notes.csv"
    out = tmp_path / "out"
    with warnings.catch_warnings():
        warnings.simplefilter("default")  # as outside pytest
        assert main(["-q", "export", "--out", str(out), "--format", "csv", "--partners", path,
                     "--problems", str(listing)]) == 0
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert lines[0] == (
        "warning: 2,000 row(s) outside the corridor kept with in_corridor=False; the first 10:"
    )
    assert len(lines) < 25 and len(err.encode()) < 20 * (len(path) + 100)
    assert "       2,000  outside the corridor" in lines
    table = _read_problems_csv(listing)
    assert len(table) == rows + 1 and {r[5] for r in table[1:]} == {"note"}
    assert table[1][:3] == [path, "2", "lon/lat"]

    assert main(["validate", path]) == 0
    err = capsys.readouterr().err
    assert err.startswith("note: 2,000 row(s) outside the corridor (kept with in_corridor=False)")
    assert len(err.splitlines()) < 25


def test_problems_file_is_written_empty_for_a_clean_table(write_csv, tmp_path):
    listing = tmp_path / "p.csv"
    listing.write_text("old")
    good = write_csv("name,city\nA,Hefei\n")
    assert main(["-q", "report", "--out", str(tmp_path / "r"), "--partners", good,
                 "--problems", str(listing)]) == 0
    assert _read_problems_csv(listing) == [["file", "row", "column", "problem", "kind", "level"]]


def test_count_partners_takes_problems_option(write_csv, tmp_path, capsys):
    path = write_csv("name,city\nA,Hefei\nB,宿州\n")  # 宿州: kept, outside the corridor
    listing = tmp_path / "p.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("default")  # as outside pytest
        assert main(["count-partners", path, "--problems", str(listing)]) == 0
    table = _read_problems_csv(listing)
    assert [r[:3] + r[5:] for r in table[1:]] == [[path, "3", "city", "note"]]


def test_problems_csv_is_formula_safe_and_escaped(write_csv, tmp_path, capsys):
    path = write_csv("name,city,=cmd|' /C calc'!A0,=cmd|' /C calc'!A0\nA,Hefei,1,2\n")
    listing = tmp_path / "p.csv"
    assert main(["validate", path, "--problems", str(listing)]) == 1
    table = _read_problems_csv(listing)
    assert table[1][2] == "'=cmd|' /C calc'!A0"
    path = write_csv("name,city\n-A,\x1b[2J@Hefei\n", name="esc.csv")
    assert main(["validate", path, "--problems", str(listing)]) == 1
    table = _read_problems_csv(listing)
    assert "\x1b" not in listing.read_text(encoding="utf-8-sig")
    assert table[1][3].startswith("unknown city '\\x1b[2J@Hefei'")


# ---------------------------------------------------------------------- control characters


def test_escape_sequences_in_header_and_cells_never_reach_the_terminal(write_csv, capsys):
    path = write_csv(
        "name,city,\x1b[2J,\x1b[2J\n"
        "A\x07,\x1b[31mHefei\u202e,x,y\n"
    )
    assert main(["validate", path]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\u202e" not in err
    assert "\\x1b[2J" in err
    path = write_csv("name,city\nA,\x1b[31mHefei\n", name="cell.csv")
    for argv in (["validate", path], ["-q", "report", "--partners", path, "--out", "/nonexistent"]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert "\x1b" not in err and "\\x1b[31mHefei" in err


def test_problems_file_never_overwrites_an_input_table(write_csv, tmp_path, capsys):
    path = write_csv("name,city\nA,宿州\n")
    before = Path(path).read_bytes()
    assert main(["validate", path, "--problems", path]) == 1
    assert main(["-q", "build", "--partners", path, "--out", str(tmp_path / "o"),
                 "--problems", str(tmp_path / "." / "table.csv")]) == 1
    err = capsys.readouterr().err
    assert err.count("would overwrite the input table") == 2
    assert Path(path).read_bytes() == before


def test_datum_option_shifts_amap_coordinates(tmp_path, capsys):
    from g60map.reference.datum import wgs84_to_gcj02

    x, y = wgs84_to_gcj02(121.22326, 31.03443)  # Songjiang seat, as AMap shows it
    path = tmp_path / "p.csv"
    path.write_text(f"name,lon,lat\nA,{float(x)!r},{float(y)!r}\n", encoding="utf-8")
    assert main(["-q", "validate", str(path), "--datum", "gcj02"]) == 0
    assert main(["-q", "build", "--partners", str(path), "--datum", "gcj02", "--basemap",
                 "none", "--out", str(tmp_path)]) == 0
    html = (tmp_path / "g60_corridor.html").read_text(encoding="utf-8")
    assert "[12122326,3103443," in html  # drawn at the WGS-84 seat, 1e-5 degree units
    capsys.readouterr()
    assert main(["-q", "validate", str(path), "--datum", "baidu"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_quiet_after_the_command(tmp_path, capsys):
    assert main(["report", "-q", "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out.strip().endswith("g60_corridor_report.html")
    assert main(["export", "--out", str(tmp_path), "--format", "csv", "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    # given before the command, it is not reset by the command's own (absent) option
    assert main(["-q", "report", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().err == ""
    assert main(["report", "--out", str(tmp_path)]) == 0
    assert "g60map: building the report" in capsys.readouterr().err


def _crash(monkeypatch):
    import g60map.reference.cities

    def boom():
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(g60map.reference.cities, "load_cities", boom)


def test_internal_error_has_its_own_exit_code(monkeypatch, capsys):
    from g60map.cli._run import EXIT_INTERNAL

    monkeypatch.delenv("G60MAP_DEBUG", raising=False)
    _crash(monkeypatch)
    assert EXIT_INTERNAL == 70
    assert main(["info"]) == 70
    err = capsys.readouterr().err
    assert err.startswith("error: internal error (ZeroDivisionError: division by zero)")
    assert "bug in g60map" in err and "report" in err and "--debug" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("how", ["flag-before", "flag-after", "env"])
def test_internal_error_traceback_on_request(monkeypatch, capsys, how):
    monkeypatch.delenv("G60MAP_DEBUG", raising=False)
    _crash(monkeypatch)
    argv = {"flag-before": ["--debug", "info"], "flag-after": ["info", "--debug"]}.get(how)
    if argv is None:
        monkeypatch.setenv("G60MAP_DEBUG", "1")
        argv = ["info"]
    assert main(argv) == 70
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "boom" in err
    assert "error: internal error (ZeroDivisionError" in err


def test_exit_codes_are_documented():
    import re
    from pathlib import Path

    from g60map.cli._parser import build_parser

    helptext = build_parser().format_help()
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for code in ("0 ok", "1 bad input", "2 usage", "70 internal error", "141", "143"):
        assert code in " ".join(helptext.split()), code
        assert code in " ".join(readme.split()), code
    assert re.search(r"G60MAP_DEBUG=1", readme)


def test_closed_stdout_pipe_exits_quietly():
    # The reader goes away before g60map writes (as `g60map info | head -0` would).
    proc = subprocess.Popen(
        [sys.executable, "-m", "g60map", "info"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    proc.stderr.close()
    assert err == ""  # no "Broken pipe", no traceback, no "Exception ignored"
    assert proc.returncode == 141


def test_head_closing_the_pipe_early_prints_nothing(tmp_path):
    if shutil.which("sh") is None or shutil.which("head") is None:
        pytest.skip("needs a POSIX shell and head")
    exe = f'"{sys.executable}" -m g60map'
    proc = subprocess.run(
        ["sh", "-c", f"{exe} info | head -1; {exe} export --format csv --out \"$1\" | head -0",
         "sh", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )
    assert proc.stdout.count("\n") == 1 and "code" in proc.stdout
    assert "Broken pipe" not in proc.stderr and "Traceback" not in proc.stderr
    assert "error" not in proc.stderr


# ------------------------------------------------- text that is not UTF-8 (issue 18, point 4)

# A file name from a Windows archive, in GBK ("企业.csv"): 0xC6 0xF3 is not UTF-8, 0xD2 0xB5
# happens to be (U+04B5), so the name is shown as "��ҵ.csv".
_GBK_NAME = b"\xc6\xf3\xd2\xb5.csv"
_GBK_SHOWN = "\ufffd\ufffd\u04b5.csv"
_NOTE = "bytes that are not UTF-8 shown as \ufffd"


def _gbk_table(tmp_path, text="name,city\n阿里云,杭州\n中国移动,松江区\n"):
    """Write a UTF-8 table whose file name is GBK bytes; return the path as bytes."""
    path = os.fsencode(tmp_path) + b"/" + _GBK_NAME
    with open(path, "wb") as fh:
        fh.write(text.encode("utf-8"))
    return path


@pytest.mark.slow
def test_title_and_file_name_not_utf8_from_argv_bytes(tmp_path):
    partners = _gbk_table(tmp_path)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "g60map", "-q", "render", "--svg-text",
         b"--title", b"bad\xff", b"--partners", partners, "--out", str(out)],
        capture_output=True, check=False,
    )
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 0, err
    assert err.count(f"--title: {_NOTE}") == 1 and err.count(f"--partners: {_NOTE}") == 1
    root = ET.fromstring((out / "g60_corridor.svg").read_bytes())
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "bad\ufffd" in texts
    assert any(f"partners: {_GBK_SHOWN}" in t for t in texts)  # the credits line


def _unzipped_xml(path, member):
    with zipfile.ZipFile(path) as z:
        data = z.read(member)
    ET.fromstring(data)  # well-formed
    return data.decode("utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("argv, target, member", [
    (["render", "--format", "png"], "g60_corridor.png", None),
    (["render", "--format", "pdf"], "g60_corridor.pdf", None),
    (["report"], "g60_corridor_report.html", None),
    (["report", "--format", "docx"], "g60_corridor_report.docx", "word/document.xml"),
    (["slides"], "g60_corridor.pptx", "ppt/slides/slide1.xml"),
])
def test_every_output_shows_bytes_not_utf8_as_replacement(tmp_path, capsys, argv, target,
                                                          member):
    partners = os.fsdecode(_gbk_table(tmp_path))  # as Python decodes sys.argv
    out = tmp_path / "out"
    title = os.fsdecode(b"bad\xff title")
    code = main(["-q", *argv, "--title", title, "--partners", partners, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert err.count(f"--title: {_NOTE}") == 1 and err.count(f"--partners: {_NOTE}") == 1
    data = (out / target).read_bytes()
    if target.endswith(".html"):
        page = data.decode("utf-8")
        assert "bad\ufffd title" in page and _GBK_SHOWN in page
    elif member:
        text = _unzipped_xml(out / target, member)
        assert "bad\ufffd title" in text
    else:
        assert data[:4] in (b"\x89PNG", b"%PDF")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["gpkg", "csv"])
def test_build_and_export_read_a_table_named_in_gbk(tmp_path, capsys, fmt):
    partners = os.fsdecode(_gbk_table(tmp_path))
    out = tmp_path / "out"
    assert main(["-q", "build", "--basemap", "none", "--partners", partners,
                 "--out", str(out)]) == 0
    page = (out / "g60_corridor.html").read_text(encoding="utf-8")
    assert _GBK_SHOWN in page and "阿里云" in page
    assert main(["-q", "export", "--format", fmt, "--partners", partners,
                 "--out", str(out)]) == 0
    assert capsys.readouterr().err.count(f"--partners: {_NOTE}") == 2


def test_validate_names_a_file_not_utf8_with_replacement_characters(tmp_path, capsys):
    path = os.fsdecode(_gbk_table(tmp_path, "name,city\nA,Atlantis\n"))
    listing = tmp_path / "p.csv"
    assert main(["validate", path, "--problems", str(listing)]) == 1
    err = capsys.readouterr().err
    shown = f"{tmp_path}/{_GBK_SHOWN}"
    assert err.count(f"file: {_NOTE}") == 1
    assert f"{shown}:2:city: unknown city 'Atlantis'" in err and "\\udc" not in err
    assert _read_problems_csv(listing)[1][0] == shown
    assert main(["validate", os.fsdecode(_gbk_table(tmp_path))]) == 0
    assert capsys.readouterr().out == f"{shown}: ok (partners)\n"


@pytest.mark.slow
def test_paths_not_utf8_are_printed_as_their_bytes(tmp_path):
    out = os.fsencode(tmp_path) + b"/out\xff"
    proc = subprocess.run(
        [sys.executable, "-m", "g60map", "-q", "render", "--format", "svg", b"--out", out],
        capture_output=True, check=False, env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == out + b"/g60_corridor.svg\n"
    assert proc.stderr.decode("utf-8").count(f"--out: {_NOTE}") == 1


def test_exclude_status_on_validate_and_build(write_csv, tmp_path, capsys):
    # a Qichacha-style export: 登记状态, capital in Hong Kong dollars, "-" for no value
    path = write_csv(
        "企业名称,登记状态,注册资本,成立日期,所属城市\n"
        "嘉兴测试材料有限公司,存续（在营、开业、在册）,600万港元,2017-08-21,嘉兴市\n"
        "湖州测试纺织有限公司,注销,-,-,湖州市\n"
        "宣城测试机械有限公司,\"吊销，未注销\",abc,2012-01-01,宣城市\n",
        name="qcc.csv",
    )
    assert main(["validate", path]) == 1  # the revoked row's capital is not a number
    capsys.readouterr()
    assert main(["validate", path, "--exclude-status", "注销,吊销"]) == 0
    err = capsys.readouterr().err
    assert "2 row(s) left out by status" in err
    assert f"{path}:3:登记状态: left out: status '注销'" in err
    out = tmp_path / "out"
    with warnings.catch_warnings():
        warnings.simplefilter("default")  # as outside pytest
        assert main(["export", "--partners", path, "--exclude-status", "注销,吊销", "--out",
                     str(out), "--format", "csv"]) == 0
    err = capsys.readouterr().err
    assert "2 row(s) left out by status" in err
    partners = (out / "g60_corridor_partners.csv").read_text(encoding="utf-8-sig")
    assert partners.count("有限公司") == 1 and ",HKD," in partners


# ------------------------------------------------------------------ --on-bad-rows

_REGISTRY = (
    "企业名称,登记状态,注册资本,成立日期,注册地址\n"
    "上海泗泾精密机械有限公司,存续,500万元人民币,2010-06-18,上海市松江区泗泾镇江川北路59号\n"
    "杭州余杭云栖科技有限公司,存续,100万元人民币,2018-09-31,浙江省杭州市西湖区云栖小镇88号\n"
    "苏州吴中光电有限公司,在业,3000万元人民币,2015-02-29,江苏省苏州市吴中区东吴北路299号\n"
)


def test_validate_on_bad_rows_skip_lists_the_rows_and_says_ok(write_csv, tmp_path, capsys):
    path = write_csv(_REGISTRY)
    listing = tmp_path / "problems.csv"
    assert main(["validate", path]) == 1
    capsys.readouterr()
    assert main(["validate", path, "--on-bad-rows", "skip", "--problems", str(listing)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == f"{path}: ok (partners, 2 bad row(s) skipped)"
    assert "note: 2 bad row(s) skipped (2 problem(s)):" in err
    assert f"{path}:3:成立日期: row skipped: '2018-09-31' is not a calendar date" in err
    rows = [r for r in _read_problems_csv(listing) if r[4] == "row skipped"]
    assert [(r[1], r[5]) for r in rows] == [("3", "note"), ("4", "note")]


def test_export_on_bad_rows_skip_writes_the_good_rows(write_csv, tmp_path, capsys):
    path = write_csv(_REGISTRY)
    out = tmp_path / "out"
    with warnings.catch_warnings():
        warnings.simplefilter("default")  # as outside pytest
        code = main(["-q", "export", "--out", str(out), "--format", "csv", "--partners", path,
                     "--on-bad-rows", "skip"])
    assert code == 0
    err = capsys.readouterr().err
    assert err.startswith("warning: 2 bad row(s) skipped (2 problem(s)):\n")
    with open(out / "g60_corridor_partners.csv", encoding="utf-8-sig") as fh:
        assert len(fh.read().splitlines()) == 2  # header + the Songjiang row
    meta = (out / "g60_corridor_metadata.csv").read_text(encoding="utf-8-sig")
    assert "partners,skipped_rows,2" in meta


def test_count_partners_on_bad_rows_skip(write_csv, capsys):
    path = write_csv(_REGISTRY)
    assert main(["-q", "count-partners", path]) == 1
    capsys.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("default")  # as outside pytest
        assert main(["-q", "count-partners", path, "--on-bad-rows", "skip"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == ("1 rows: 1 in the corridor, 0 outside, 2 bad row(s) "
                                    "skipped (pandas engine, 1 partition(s))")
    assert main(["-q", "count-partners", path, "--on-bad-rows", "skip", "--engine",
                 "dask"]) == 1
    assert "pandas engine only" in capsys.readouterr().err


def test_build_tooltip_and_popup_columns(tmp_path, capsys):
    assert main(["build", "--out", str(tmp_path), "--basemap", "none", "--tooltip", "nmae"]) == 1
    err = capsys.readouterr().err
    assert "tooltip: no column 'nmae' in the partners table or the investments table" in err
    assert "choose from 'name'" in err and "Traceback" not in err
    assert not (tmp_path / "g60_corridor.html").exists()
    assert main(["build", "--out", str(tmp_path), "--basemap", "none", "--lang", "zh",
                 "--tooltip", "name, kind", "--popup", "none"]) == 0
    page = (tmp_path / "g60_corridor.html").read_text(encoding="utf-8")
    assert '"tipCols":["名称","类型"]' in page and '"popup":0' in page
    assert '"tips":[["中国移动","电信运营商"]' in page


@pytest.mark.slow
def test_render_scheme_and_k_class_the_static_map(tmp_path, capsys):
    """``render --scheme quantiles --k 4``: four classes, in the colours of four classes."""
    import re

    from g60map import settings
    from g60map.corridor.classify import classify
    from g60map.render.symbology import class_colors
    from tests._skewed import skewed_corridor, skewed_tables

    partners, _ = skewed_tables(3)
    path = tmp_path / "partners.csv"
    partners.to_csv(path, index=False)
    out = tmp_path / "out"
    argv = ["-q", "render", "--out", str(out), "--partners", str(path), "--format", "svg",
            "--svg-text", "--scheme", "quantiles", "--k", "4"]
    assert main(argv) == 0, capsys.readouterr().err
    svg = (out / "g60_corridor.svg").read_text(encoding="utf-8")
    counts = skewed_corridor(3).partners_per_city.reindex(settings.MEMBER_CODES).fillna(0)
    assert classify(counts.to_numpy(float), "quantiles", 4).k == 4
    fills = set(re.findall(r"fill: ?(#[0-9a-f]{6})", svg))
    assert set(class_colors(4)) <= fills
    assert not set(class_colors(5)) - set(class_colors(4)) & fills  # no fifth class


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--k", "12", "from 2 to 9, not '12'"),
    ("--k", "four", "from 2 to 9, not 'four'"),
    ("--scheme", "equal", "unknown scheme 'equal'"),
    ("--cmap", "nope", "unknown colour map 'nope'"),
])
def test_bad_class_options_are_usage_errors(option, value, message, capsys):
    for command in ("build", "render"):
        assert main([command, option, value]) == 2
        err = capsys.readouterr().err
        assert message in err and "on the command line" in err

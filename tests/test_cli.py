from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from g60map.cli import main


def test_info_lists_the_nine_cities(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    for name in ("Songjiang", "松江区", "Hefei", "341800"):
        assert name in out
    assert len(out.strip().splitlines()) == 10


def test_validate_ok_and_bad(write_csv, capsys):
    good = write_csv("name,city\n中国电信,松江\n", name="g.csv", encoding="gb18030")
    assert main(["validate", good]) == 0
    bad = write_csv("name,city\nA,宿州\nA,宿州\n,Hefei\n", name="b.csv")
    assert main(["validate", bad, "--kind", "partners"]) == 1
    err = capsys.readouterr().err
    assert "4 problem(s)" in err  # 2 and 3 unknown, 3 duplicate, 4 empty
    assert f"{bad}:2:city" in err and f"{bad}:3" in err and f"{bad}:4:name" in err
    assert "Traceback" not in err


def test_validate_investments_and_missing_file(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "none.csv"), "--kind", "investments"]) == 1
    assert "file not found" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys):
    assert main([]) == 2
    assert main(["validate"]) == 2
    assert main(["validate", "x.csv", "--kind", "companies"]) == 2


def test_console_script_runs():
    proc = subprocess.run(
        [sys.executable, "-m", "g60map.cli", "info"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and "Xuancheng" in proc.stdout


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

    bad = write_csv("name,city\nA,宿州\n,Hefei\n", name="bad.csv")
    assert main(["build", "--out", str(out), "--partners", bad, "--basemap", "none"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:city" in err and f"{bad}:3:name" in err and "Traceback" not in err
    assert target.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["g60_corridor.html"]  # no temp files left


def test_progress_on_stderr_and_quiet(tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path), "--format", "geojson"]) == 0
    captured = capsys.readouterr()
    assert "g60map: loading partners (packaged) done" in captured.err
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
    import warnings

    before = warnings.showwarning
    main(["-q", "validate", write_csv("name,lon,lat\nA,121.55,29.87\n")])
    assert warnings.showwarning is before


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
    import g60map.io

    def boom():
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(g60map.io, "load_cities", boom)


def test_internal_error_has_its_own_exit_code(monkeypatch, capsys):
    from g60map.cli import EXIT_INTERNAL

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

    from g60map.cli import build_parser

    helptext = build_parser().format_help()
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for code in ("0 ok", "1 bad input", "2 usage", "70 internal error", "141", "143"):
        assert code in " ".join(helptext.split()), code
        assert code in " ".join(readme.split()), code
    assert re.search(r"G60MAP_DEBUG=1", readme)


def test_closed_stdout_pipe_exits_quietly():
    # The reader goes away before g60map writes (as `g60map info | head -0` would).
    proc = subprocess.Popen(
        [sys.executable, "-m", "g60map.cli", "info"],
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
    exe = f'"{sys.executable}" -m g60map.cli'
    proc = subprocess.run(
        ["sh", "-c", f"{exe} info | head -1; {exe} export --format csv --out \"$1\" | head -0",
         "sh", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )
    assert proc.stdout.count("\n") == 1 and "code" in proc.stdout
    assert "Broken pipe" not in proc.stderr and "Traceback" not in proc.stderr
    assert "error" not in proc.stderr

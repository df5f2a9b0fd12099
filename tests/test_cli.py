from __future__ import annotations

import subprocess
import sys

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

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from g60map import _atomic
from g60map._atomic import atomic_path, install_signal_cleanup, write_bytes, write_text

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX signals and process ids")


def _hidden(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_write_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "sub" / "a.html"
    assert write_text(target, "first") == target
    write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    assert _hidden(target.parent) == []


def test_failure_keeps_previous_file(tmp_path):
    target = tmp_path / "a.html"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("writer failed")
    assert target.read_text() == "old"
    assert _hidden(tmp_path) == []


def test_temp_name_carries_pid_and_suffix(tmp_path):
    with atomic_path(tmp_path / "g60_corridor.gpkg", suffix=".tmp.gpkg") as tmp:
        assert tmp.parent == tmp_path
        assert tmp.name.startswith(f".g60_corridor.gpkg.{os.getpid()}.")
        assert tmp.name.endswith(".tmp.gpkg")
        assert tmp in _atomic._PENDING
    assert tmp not in _atomic._PENDING


def test_fsyncs_file_before_rename_and_folder_after(tmp_path, monkeypatch):
    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc to name file descriptors")
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))))
        real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", os.path.basename(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_text(tmp_path / "a.txt", "x")
    kinds = [e[0] for e in events]
    assert kinds == ["fsync", "replace", "fsync"]
    assert events[0][1].startswith(".a.txt.")  # the temporary file
    assert events[2][1] == tmp_path.name  # the folder


def test_fsync_failure_keeps_previous_file_and_names_it(tmp_path, monkeypatch):
    import errno

    target = tmp_path / "a.txt"
    target.write_text("old")

    def fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError) as info:
        write_text(target, "new")
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(target)
    assert target.read_text() == "old"
    assert _hidden(tmp_path) == []


@posix_only
def test_stale_temp_of_dead_process_is_removed_live_one_kept(tmp_path):
    target = tmp_path / "g60_corridor.html"
    dead = tmp_path / f".g60_corridor.html.{_dead_pid()}.0123abcd.html"
    live_proc = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                                 stdin=subprocess.PIPE)
    try:
        live = tmp_path / f".g60_corridor.html.{live_proc.pid}.89abcdef.html"
        mine = tmp_path / f".g60_corridor.html.{os.getpid()}.deadbeef.html"  # not ours
        other_target = tmp_path / f".report.html.{_dead_pid()}.0123abcd.html"
        not_a_temp = tmp_path / ".g60_corridor.html.notes"
        journal = tmp_path / f".g60_corridor.html.{_dead_pid()}.0123abcd.html-journal"
        live_journal = tmp_path / f"{live.name}-wal"
        for path in (dead, live, mine, other_target, not_a_temp, journal, live_journal):
            path.write_text("partial")
        write_text(target, "<html></html>")
        assert not dead.exists() and not mine.exists() and not journal.exists()
        assert live.exists() and live_journal.exists()
        assert other_target.exists() and not_a_temp.exists()
    finally:
        live_proc.communicate(b"")
    assert target.read_text() == "<html></html>"


_SLOW_EXPORT = textwrap.dedent(
    """
    import sys, time
    import g60map.export as export
    from g60map.cli import main

    real = export.csv_bytes

    def slow(df):
        print("writing", flush=True)
        time.sleep(120)
        return real(df)

    export.csv_bytes = slow
    sys.exit(main(["-q", "export", "--format", "csv", "--out", sys.argv[1]]))
    """
)


@posix_only
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_inside_the_write_window_leaves_no_temp(tmp_path, signum):
    out = tmp_path / "out"
    out.mkdir()
    (out / "g60_corridor_cities.csv").write_text("previous")
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_EXPORT, str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline() == "writing\n"
        assert _hidden(out), "the write window holds a temporary file"
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signum, err
    assert "Traceback" not in err
    assert _hidden(out) == []
    assert (out / "g60_corridor_cities.csv").read_text() == "previous"


@posix_only
def test_signal_cleanup_restores_handlers_and_respects_ignored():
    term = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    hup = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with install_signal_cleanup():
            assert callable(signal.getsignal(signal.SIGTERM))
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN  # nohup stays nohup
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, term)
        signal.signal(signal.SIGHUP, hup)

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading

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
    import g60map.export.layers as export
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


# ------------------------------------------------------------- targets that are not files


def _char_device(path):
    """Make a copy of the null device at ``path`` (character device 1:3), or skip."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError, OSError) as exc:
        pytest.skip(f"cannot make a character device here ({exc})")
    return path


def _read_fifo(path, out):
    """Start a thread reading ``path`` to its end into ``out`` (a list of bytes)."""

    def read():
        with open(path, "rb") as fh:
            out.append(fh.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


@posix_only
def test_fifo_is_written_in_place(tmp_path):
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    assert write_bytes(fifo, b"a,b\r\n1,2\r\n") == fifo
    reader.join(10)
    assert got == [b"a,b\r\n1,2\r\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert _hidden(tmp_path) == []


@posix_only
def test_character_device_is_written_in_place(tmp_path):
    dev = _char_device(tmp_path / "null")
    rdev = os.lstat(dev).st_rdev
    write_text(dev, "x" * 100_000)
    st = os.lstat(dev)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == rdev
    assert _hidden(tmp_path) == []


@posix_only
def test_symlink_to_a_character_device_keeps_both(tmp_path):
    dev = _char_device(tmp_path / "null")
    link = tmp_path / "stdout"
    link.symlink_to(dev)
    write_bytes(link, b"data")
    assert link.is_symlink() and os.readlink(link) == str(dev)
    assert stat.S_ISCHR(os.lstat(dev).st_mode)


@posix_only
def test_symlink_to_a_regular_file_is_kept_and_its_target_replaced(tmp_path):
    real = tmp_path / "data" / "report.html"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "report.html"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new" and stat.S_ISREG(os.lstat(real).st_mode)
    dangling = tmp_path / "later.html"
    dangling.symlink_to(tmp_path / "data" / "later.html")
    write_text(dangling, "made")
    assert dangling.is_symlink() and (tmp_path / "data" / "later.html").read_text() == "made"
    assert _hidden(tmp_path) == [] and _hidden(real.parent) == []


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_symlink_to_proc_fd_of_a_pipe_writes_into_the_pipe(tmp_path):
    r, w = os.pipe()
    link = tmp_path / "stdout"
    link.symlink_to(f"/proc/self/fd/{w}")
    try:
        write_bytes(link, b"through the pipe")
        os.close(w)
        w = -1
        with os.fdopen(r, "rb") as fh:
            r = -1
            assert fh.read() == b"through the pipe"
    finally:
        for fd in (r, w):
            if fd >= 0:
                os.close(fd)
    assert link.is_symlink() and os.readlink(link).startswith("/proc/self/fd/")


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_proc_fd_of_an_open_regular_file_is_written_in_place(tmp_path):
    out = tmp_path / "captured.txt"
    with open(out, "wb") as fh:  # as a shell's `> captured.txt` gives /dev/stdout
        inode = os.fstat(fh.fileno()).st_ino
        fh.write(b"before\n")
        fh.flush()
        write_bytes(f"/proc/self/fd/{fh.fileno()}", b"written")
    assert out.read_bytes() == b"before\nwritten" and out.stat().st_ino == inode


@posix_only
def test_socket_is_refused_and_kept(tmp_path):
    import socket

    from g60map import G60InputError

    path = tmp_path / "s.csv"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(path))
        with pytest.raises(G60InputError, match=r"s\.csv: is a socket, not a file"):
            write_text(path, "x")
    finally:
        sock.close()
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


@posix_only
def test_problems_csv_to_a_fifo_keeps_the_fifo(tmp_path, write_csv, capsys):
    from g60map.cli import main

    fifo = tmp_path / "problems.csv"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    bad = write_csv("name,city\nA,Atlantis\n")
    assert main(["validate", bad, "--problems", str(fifo)]) == 1
    reader.join(10)
    text = got[0].decode("utf-8-sig")
    assert text.startswith("file,row,column,problem,kind,level\r\n") and "Atlantis" in text
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@posix_only
@pytest.mark.parametrize("fmt", ["gpkg", "xlsx", "csv"])
def test_exports_into_a_device_keep_the_device(tmp_path, fmt):
    from g60map.export.layers import BASENAME, export_layers

    dev = _char_device(tmp_path / "null")
    name = f"{BASENAME}.{fmt}" if fmt != "csv" else f"{BASENAME}_cities.csv"
    link = tmp_path / "out" / name
    link.parent.mkdir()
    link.symlink_to(dev)
    export_layers(None, link.parent, fmt=fmt, layers=["cities"])
    assert link.is_symlink() and stat.S_ISCHR(os.lstat(dev).st_mode)


@posix_only
def test_office_and_table_writers_keep_the_device(tmp_path):
    import pandas as pd

    from g60map.export.spreadsheet import write_table

    dev = _char_device(tmp_path / "null")
    for name in ("t.xlsx", "t.csv"):
        link = tmp_path / name
        link.symlink_to(dev)
        write_table(pd.DataFrame({"a": [1]}), link)
        assert link.is_symlink()
    assert stat.S_ISCHR(os.lstat(dev).st_mode)

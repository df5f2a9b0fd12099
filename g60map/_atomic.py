"""Atomic file writes: write a temporary file in the target folder, then ``os.replace``.

A failure part-way leaves the previous file byte-identical. The temporary file is
flushed to disk (``fsync``) before it replaces the target, and the folder is flushed
after, so a crash or power loss leaves either the old file or the new one, never an
empty or partial one.

Temporary files are named ``.{target name}.{pid}.{8 hex digits}{suffix}`` (hidden, and
carrying the writer's process id). They are removed when the write fails, and on
``SIGTERM``/``SIGHUP`` once :func:`install_signal_cleanup` is active (the CLI installs
it). A process killed outright (``SIGKILL``, power loss) cannot clean up: the next write
to the same target removes temporary files whose process is no longer running. Process
ids are those of this machine: a folder written at the same time from machines or
containers with separate process tables may see the other writer's temporary file
removed, and that write then fails (loudly; no file is left half-written).

Only regular files are replaced. A target that exists and is not a regular file -- a
character device (``/dev/null``, a terminal), a FIFO, or a path through ``/proc`` such
as ``/dev/stdout`` or ``/dev/fd/1`` -- is written in place: the finished temporary file
(made in the system's temporary folder) is appended to it, as to a stream, and the
node stays what it was (no rename, no unlink; writing to a FIFO waits for its reader).
Block devices and sockets are refused. A symbolic link to a regular file (or to a path
that does not exist yet) is kept: the file it points to is replaced atomically.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

__all__ = [
    "atomic_path",
    "write_text",
    "write_bytes",
    "install_signal_cleanup",
    "remove_pending",
]

#: Temporary files of this process that are being written (removed on SIGTERM).
_PENDING: set[Path] = set()
_LOCK = threading.Lock()


def _pid_alive(pid: int) -> bool:
    """Return whether process ``pid`` exists (on this machine's process table)."""
    if pid <= 0:
        return True  # not a process id we wrote: never treat it as stale
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # exists but belongs to someone else, or not a valid pid: keep
    return True


#: Files SQLite (GeoPackage) keeps next to a database while it writes it.
_SIDE_FILES = ("-journal", "-wal", "-shm")


def _temp_pattern(target: Path, suffix: str) -> re.Pattern[str]:
    side = "|".join(map(re.escape, _SIDE_FILES))
    return re.compile(
        rf"\.{re.escape(target.name)}\.(?P<pid>\d+)\.[0-9a-f]{{8}}{re.escape(suffix)}"
        rf"(?:{side})?"
    )


def _unlink_temp(path: Path) -> None:
    """Remove a temporary file and any SQLite side file next to it."""
    for name in (path.name, *(path.name + side for side in _SIDE_FILES)):
        with contextlib.suppress(FileNotFoundError, PermissionError, IsADirectoryError):
            (path.parent / name).unlink()


def _remove_stale(target: Path, suffix: str) -> None:
    """Remove temporary files for ``target`` left by processes that no longer run.

    A temporary file carrying this process's id but not registered as being written
    here is stale too (a killed earlier process that had the same id, as happens in
    containers). Must be called with ``_LOCK`` held.
    """
    if os.name == "nt":  # os.kill would terminate the process there
        return
    pattern = _temp_pattern(target, suffix)
    prefix = f".{target.name}."
    try:
        names = [n for n in os.listdir(target.parent) if n.startswith(prefix)]
    except OSError:
        return
    me = os.getpid()
    for name in names:
        match = pattern.fullmatch(name)
        if match is None:
            continue
        path = target.parent / name
        base = name
        for side in _SIDE_FILES:
            base = base.removesuffix(side)
        pid = int(match["pid"])
        stale = target.parent / base not in _PENDING if pid == me else not _pid_alive(pid)
        if stale:
            with contextlib.suppress(FileNotFoundError, PermissionError, IsADirectoryError):
                path.unlink()


def _create_temp(target: Path, suffix: str) -> Path:
    """Create an empty temporary file next to ``target``; register it as pending."""
    # Block SIGTERM/SIGHUP between creating the file and registering it, so a signal
    # handler never misses a file that exists.
    blockable = hasattr(signal, "pthread_sigmask")
    blocked = {signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)}
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, blocked) if blockable else None
    try:
        with _LOCK:
            _remove_stale(target, suffix)
            for _ in range(100):
                tmp = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}{suffix}"
                try:
                    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                except FileExistsError:
                    continue
                os.close(fd)
                _PENDING.add(tmp)
                return tmp
        raise FileExistsError(  # pragma: no cover - 100 collisions of 32 random bits
            errno.EEXIST, "cannot create a temporary file", str(target.parent)
        )
    finally:
        if old_mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (the rename) to disk, where the platform allows it."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:  # e.g. Windows: folders cannot be opened
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _through_proc(target: Path) -> bool:
    """Return whether ``target`` (or a link on the way to it) lies under ``/proc``.

    ``/dev/stdout``, ``/dev/fd/1`` and ``/proc/self/fd/1`` name a file a process has
    open; replacing what they point to would cut that process off from its output.
    """
    path = os.path.abspath(target)
    for _ in range(40):  # the kernel's limit on links followed in one lookup
        parent = os.path.realpath(os.path.dirname(path))
        if parent == "/proc" or parent.startswith("/proc/"):
            return True
        path = os.path.join(parent, os.path.basename(path))
        if not os.path.islink(path):
            return False
        try:
            path = os.path.join(parent, os.readlink(path))
        except OSError:
            return False
    return False


def _write_mode(target: Path) -> tuple[str, Path]:
    """Return how to write ``target``: ``("replace", file)`` or ``("in place", node)``.

    Parameters
    ----------
    target : pathlib.Path
        The path the caller asked for.

    Returns
    -------
    tuple of (str, pathlib.Path)
        ``"replace"`` and the path to replace atomically (the file a symbolic link
        points to, so the link is kept), or ``"in place"`` and the node to open for
        writing (a character device, a FIFO, a file under ``/proc``).

    Raises
    ------
    G60InputError
        ``target`` is a block device or a socket.
    """
    try:
        st = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        st = None
    if st is not None and _through_proc(target):
        return "in place", target
    if st is None or stat.S_ISREG(st.st_mode):
        # A symbolic link (to a file, or dangling) is kept: its target is replaced.
        return "replace", Path(os.path.realpath(target)) if target.is_symlink() else target
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return "in place", target
    if stat.S_ISBLK(st.st_mode) or stat.S_ISSOCK(st.st_mode):
        from ._errors import G60InputError

        kind = "a block device" if stat.S_ISBLK(st.st_mode) else "a socket"
        raise G60InputError([
            f"{target}: is {kind}, not a file; g60map writes regular files (or in place "
            "to a character device or FIFO such as /dev/stdout); choose another output path"
        ])
    return "replace", target  # a folder: os.replace fails with IsADirectoryError


def _copy_into(source: Path, node: Path) -> None:
    """Copy ``source`` into the existing ``node``, opened for writing (no rename, no unlink).

    The node is opened to append, as a stream: a file reached through ``/proc``
    (``/dev/stdout`` redirected to a file) keeps what the process wrote before.
    """
    fd = os.open(node, os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOCTTY", 0))
    with open(fd, "wb") as dst, open(source, "rb") as src:
        shutil.copyfileobj(src, dst, 1 << 20)


@contextlib.contextmanager
def _in_place(target: Path, node: Path, suffix: str) -> Iterator[Path]:
    """Yield a temporary file in the system's temporary folder; copy it into ``node``.

    Parameters
    ----------
    target : pathlib.Path
        The path the caller asked for (named in errors).
    node : pathlib.Path
        The character device, FIFO or ``/proc`` file written in place.
    suffix : str
        Suffix of the temporary file.

    Yields
    ------
    pathlib.Path
        Where to write; removed afterwards, whatever happens.
    """
    tmp_path = _create_temp(Path(tempfile.gettempdir()) / node.name, suffix)
    try:
        try:
            yield tmp_path
        except OSError as exc:
            if exc.filename is None or os.fspath(exc.filename) == os.fspath(tmp_path):
                raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from exc
            raise
        try:
            _copy_into(tmp_path, node)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from exc
    finally:
        with _LOCK:
            _PENDING.discard(tmp_path)
        _unlink_temp(tmp_path)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; move it over ``target`` on success.

    Parameters
    ----------
    target : path-like
        Final file path. Its folder is created if missing.
    suffix : str, optional
        Suffix of the temporary file (some writers pick the format from it);
        defaults to the target's suffix.

    Yields
    ------
    pathlib.Path
        Where to write (an empty file exists there). Removed if the block raises; an
        :class:`OSError` naming it (or no file) is raised again naming ``target``.

    Raises
    ------
    G60InputError
        ``target`` is a block device or a socket.

    Notes
    -----
    On success the temporary file is made world-readable (0644), flushed to disk,
    renamed over ``target``, and the folder is flushed. Before creating it, temporary
    files of the same target left by processes that are no longer running are removed.

    Only a regular file (or a new path) is replaced. When ``target`` is a symbolic link
    to a regular file (or to a path not there yet), the link is kept and the file it
    points to is replaced. When ``target`` is a character device, a FIFO or a path
    through ``/proc`` (``/dev/stdout``), the temporary file is made in the system's
    temporary folder and, on success, appended to ``target`` (opened for writing, as a
    stream); the node is neither renamed nor removed.
    """
    target = Path(target)
    suffix = target.suffix if suffix is None else suffix
    mode, node = _write_mode(target)
    if mode == "in place":
        with _in_place(target, node, suffix) as tmp:
            yield tmp
        return
    target = node
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = _create_temp(target, suffix)
    try:
        try:
            yield tmp_path
        except OSError as exc:
            # Name the file the user asked for, not the hidden temporary one (a failed
            # write() names no file at all).
            if exc.filename is None or os.fspath(exc.filename) == os.fspath(tmp_path):
                raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from exc
            raise
        try:
            os.chmod(tmp_path, 0o644)
            _fsync_file(tmp_path)
            os.replace(tmp_path, target)
            _fsync_dir(target.parent)
        except OSError as exc:
            if exc.filename is None:  # fsync errors name no file: name the target
                raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from exc
            raise
    finally:
        with _LOCK:
            _PENDING.discard(tmp_path)
        _unlink_temp(tmp_path)


def write_bytes(target: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically and return the target path."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_text(target: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` to ``target`` atomically and return the target path."""
    return write_bytes(target, text.encode("utf-8"))


def remove_pending() -> None:
    """Remove every temporary file this process is writing (for signal handlers)."""
    for path in list(_PENDING):
        with contextlib.suppress(OSError):
            _unlink_temp(path)
    _PENDING.clear()


Handler = Callable[[int, FrameType | None], Any] | int | None


@contextlib.contextmanager
def install_signal_cleanup() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP remove pending temporary files and exit.

    The process exits with ``128 + signal number`` (143 for SIGTERM, 129 for SIGHUP),
    as a shell reports a process ended by that signal. Signals whose handling was
    changed by someone else (ignored under ``nohup``, or handled by the embedding
    program) are left alone, and the previous handlers are restored after the block.
    Does nothing outside the main thread (only it may set signal handlers).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, Handler] = {}

    def handler(signum: int, frame: FrameType | None) -> None:
        remove_pending()
        sys.exit(128 + signum)

    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None or signal.getsignal(signum) is not signal.SIG_DFL:
            continue
        previous[signum] = signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)

"""Which text encoding a CSV file is in.

UTF-8 (with or without a byte-order mark) is read as it is. A file that is not UTF-8 is
read as GB18030 (a superset of GBK and GB2312, what Chinese Excel saves) only if that
reading looks like real text: GB18030 decodes most byte strings without error, so a file
in another encoding (Latin-1, Windows-1252, ...) would otherwise load as nonsense
(``Zürich`` as ``Z黵ich``). Two checks judge the GB18030 reading of the lines that are
not ASCII: the charset-normalizer detector must count GB18030 among its best candidates,
and most CJK characters must not stand alone inside Latin words, which is what single
accented Latin-1 letters turn into.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .._errors import G60InputError, Problem

__all__ = [
    "ENCODINGS",
    "detect_encoding",
    "non_ascii_sample",
    "check_gb18030",
    "refuse_utf16",
    "decodes",
    "undecodable",
]

#: Encodings tried in order for CSV input. GB18030 is a superset of GBK and GB2312.
ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")

_TRIED = "UTF-8, then GB18030/GBK"
_HOW = "save the file as UTF-8 (in Excel: Save As > 'CSV UTF-8') and try again"
_GB = {"gb18030", "gbk", "gb2312"}
_SAMPLE_BYTES = 1 << 16  # non-ASCII lines judged, at most
_CHUNK = 1 << 24  # bytes decoded at a time when checking an encoding
_NON_ASCII = re.compile(rb"[^\n\r]*[\x80-\xff][^\n\r]*")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_PUA = re.compile("[\ue000-\uf8ff]")
_ALL_CJK = re.compile(f"[{_CJK}]")
_CJK_MARKS = re.compile("[\u3000-\u303f\uff00-\uffef]")  # CJK and full-width punctuation
# A CJK character with no CJK neighbour and a Latin letter on one side: what one accented
# Latin-1 letter and the ASCII letter after (or before) it read as in GB18030.
_LONE_CJK = re.compile(
    f"(?:(?<=[A-Za-z])[{_CJK}](?![{_CJK}])|(?<![{_CJK}])[{_CJK}](?=[A-Za-z]))"
)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class Sample:
    """Lines of a file that contain non-ASCII bytes.

    Attributes
    ----------
    data : bytes
        The lines, joined with line feeds (at most about 64 KiB).
    row : int or None
        Line number (1-based) of the first line that is not valid UTF-8.
    """

    data: bytes
    row: int | None


def non_ascii_sample(chunks: Iterable[bytes]) -> Sample:
    """Collect the non-ASCII lines of a file read as ``chunks`` of bytes.

    Parameters
    ----------
    chunks : iterable of bytes
        The file's bytes in order (any cut points).

    Returns
    -------
    Sample
    """
    parts: list[bytes] = []
    size = 0
    row = None
    lines = 0  # line breaks before the current chunk
    carry = b""
    newline = None
    for chunk in chunks:
        data = carry + chunk
        if newline is None and (b"\n" in data or b"\r" in data):
            newline = b"\n" if b"\n" in data else b"\r"
        cut = max(data.rfind(b"\n"), data.rfind(b"\r")) + 1
        data, carry = data[:cut], data[cut:]
        size, row = _collect(data, lines, newline or b"\n", parts, size, row)
        lines += data.count(newline or b"\n")
        if size >= _SAMPLE_BYTES and row is not None:
            break
    else:
        size, row = _collect(carry, lines, newline or b"\n", parts, size, row)
    return Sample(b"\n".join(parts), row)


def _collect(
    data: bytes, lines: int, newline: bytes, parts: list[bytes], size: int, row: int | None
) -> tuple[int, int | None]:
    for match in _NON_ASCII.finditer(data):
        line = match.group()
        if row is None:
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                row = lines + data.count(newline, 0, match.start()) + 1
        if size < _SAMPLE_BYTES:
            parts.append(line)
            size += len(line) + 1
        elif row is not None:
            break
    return size, row


def check_gb18030(sample: Sample, label: str) -> None:
    """Raise unless the GB18030 reading of ``sample`` looks like real text.

    Parameters
    ----------
    sample : Sample
        The non-ASCII lines of a file that decodes as GB18030 but not as UTF-8.
    label : str
        File name for the error.

    Raises
    ------
    G60InputError
        Saying which encodings were tried and asking for UTF-8.
    """
    from charset_normalizer import from_bytes

    text = sample.data.decode("gb18030", errors="replace")
    matches = from_bytes(sample.data)
    best = matches.best()
    detector_ok = best is not None and any(
        (m.encoding in _GB or _GB & set(m.could_be_from_charset)) and m.chaos <= best.chaos + 0.1
        for m in matches
    )
    pua = len(_PUA.findall(text))
    total = len(_ALL_CJK.findall(text)) + len(_CJK_MARKS.findall(text)) + pua
    odd = len(_LONE_CJK.findall(text)) + pua
    if detector_ok and total and odd * 2 <= total:
        return
    guess = ""
    if best is not None and best.encoding not in _GB:
        guess = f"; a detector guesses {best.encoding}"
    line = next((ln for ln in text.split("\n") if _ALL_CJK.search(ln) or _PUA.search(ln)), "")
    raise G60InputError(
        [
            Problem(
                label,
                sample.row,
                None,
                f"the file is not UTF-8, and read as GB18030 it looks garbled "
                f"({_shorten(line)!r}{guess}); encodings tried: {_TRIED}: {_HOW}",
            )
        ]
    )


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def detect_encoding(raw: bytes, label: str) -> str:
    """Return the encoding to read a CSV file's bytes with.

    Parameters
    ----------
    raw : bytes
        The whole file.
    label : str
        File name for errors.

    Returns
    -------
    str
        ``"utf-8-sig"`` (UTF-8, with or without a byte-order mark) or ``"gb18030"``.

    Raises
    ------
    G60InputError
        UTF-16 files, files that are neither UTF-8 nor GB18030, GB18030 readings that look
        garbled, and files that start with a UTF-8 byte-order mark but are not UTF-8.
    """
    refuse_utf16(raw[:4096], label)
    view = memoryview(raw)
    chunks = [view[start : start + _CHUNK] for start in range(0, len(view), _CHUNK)]
    encoding = next((e for e in ENCODINGS if decodes(chunks, e)), None)
    if encoding is None:
        raise undecodable(raw, label)
    if encoding == "utf-8-sig":
        return encoding
    if raw.startswith(codecs.BOM_UTF8):
        bad = _first_bad_utf8(raw)
        raise G60InputError(
            [
                Problem(
                    label,
                    row_at(raw, bad),
                    None,
                    "file starts with a UTF-8 byte-order mark but is not UTF-8 from this "
                    "row on (mixed encodings: re-save the whole file as UTF-8)",
                )
            ]
        )
    check_gb18030(non_ascii_sample([raw]), label)
    return encoding


def refuse_utf16(head: bytes, label: str) -> None:
    """Raise if the start of a file looks like UTF-16 (a BOM, or many NUL bytes).

    Parameters
    ----------
    head : bytes
        The first few KiB of the file.
    label : str
        File name for the error.

    Raises
    ------
    G60InputError
        Asking for UTF-8.
    """
    head = head[:4096]
    if head.startswith(_UTF16_BOMS) or head.count(0) * 4 > len(head):
        raise G60InputError(
            [
                Problem(
                    label,
                    None,
                    None,
                    f"the file looks like UTF-16 text (or is not a text file at all); "
                    f"encodings tried: {_TRIED}: {_HOW}",
                )
            ]
        )


def decodes(chunks: Iterable[bytes | memoryview], encoding: str) -> bool:
    """Whether the bytes given in ``chunks`` are valid text in ``encoding``.

    ``"utf-8-sig"`` is checked as UTF-8 (a byte-order mark is valid UTF-8): the
    ``utf-8-sig`` incremental decoder lets a lone partial BOM at the end pass.
    """
    decoder = codecs.getincrementaldecoder("utf-8" if encoding == "utf-8-sig" else encoding)()
    try:
        for chunk in chunks:
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def undecodable(raw: bytes, label: str) -> G60InputError:
    """Return the error for a file that no encoding of :data:`ENCODINGS` decodes."""
    bad = _first_bad_utf8(raw)
    return G60InputError(
        [
            Problem(
                label,
                row_at(raw, bad),
                None,
                f"undecodable bytes {raw[bad:bad + 4]!r} at byte {bad} (encodings tried: "
                f"{_TRIED}): {_HOW}",
            )
        ]
    )


def row_at(raw: bytes, pos: int) -> int:
    """Return the 1-based line number of byte ``pos`` (lines end in LF, or CR if no LF)."""
    newline = b"\n" if b"\n" in raw else b"\r"
    return raw.count(newline, 0, pos) + 1


def _first_bad_utf8(raw: bytes) -> int:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return 0

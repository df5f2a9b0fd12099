"""Run the command line as ``python -m g60map``, the same as the ``g60map`` command."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())

"""Users' tables in (stage 2): read, check, place and join.

:mod:`.read` opens CSV, xlsx and Parquet files (with :mod:`._charset` and
:mod:`._geoparquet`); :mod:`.validate` checks a table: its header, required and empty
cells, duplicate rows, and with :mod:`.coordinates`, :mod:`.amounts` and :mod:`.dates` (over
the cell helpers of :mod:`._cells`) its typed columns; :mod:`.problems` writes the problems
as CSV; :mod:`.placing` and :mod:`.join` place each row (coordinates, district/city names,
addresses) and join it to the corridor's cities; :mod:`.tables` is the one entry point
(``load_partners``, ``load_investments``, ``check_table``); :mod:`.engine` counts partners
per city in memory or on a dask cluster.
"""

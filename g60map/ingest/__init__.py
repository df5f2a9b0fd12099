"""Users' tables in (stage 2): read, check, place and join.

:mod:`.read` opens CSV, xlsx and Parquet files (with :mod:`._charset` and
:mod:`._geoparquet`); :mod:`.validate` checks cells, amounts, dates and coordinates;
:mod:`.placing` and :mod:`.join` place each row (coordinates, district/city names,
addresses) and join it to the corridor's cities; :mod:`.tables` is the one entry point
(``load_partners``, ``load_investments``, ``check_table``); :mod:`.engine` counts partners
per city in memory or on a dask cluster.
"""

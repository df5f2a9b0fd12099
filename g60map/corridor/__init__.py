"""The corridor as data (stage 3): analysis over the loaded tables.

:mod:`.geodesy` (distances and bearings on the WGS-84 ellipsoid, rings around the hub),
:mod:`.axis` (spokes, trunk), :mod:`.summary` (per-city and per-district figures, overview),
:mod:`.flows` (investment flows), :mod:`.metrics` (per-city metrics),
:mod:`.classify` (the one classing every map, chart and document uses) and
:mod:`.model` (:class:`Corridor` and ``load_corridor``: everything an output needs,
computed once).
"""

"""The corridor as data (stage 3): analysis over the loaded tables.

:mod:`.axis` (geodesy, spokes, trunk, per-city and per-district summaries, overview),
:mod:`.flows` (investment flows), :mod:`.metrics` (per-city metrics),
:mod:`.classify` (the one classing every map, chart and document uses) and
:mod:`.model` (:class:`Corridor` and ``load_corridor``: everything an output needs,
computed once).
"""

"""Static maps and charts for print (stage 4): matplotlib figures as PNG, SVG and PDF.

:mod:`.figure` (``render_static``, ``save_static``), :mod:`.mpl` (fonts, scale bar,
north arrow, legends), :mod:`.placement`, :mod:`._clearance` and :mod:`.badges` (labels,
legends and partner badges clear of what is drawn), :mod:`.figfile` (file bytes, size
presets), :mod:`.charts` (investments by year, small multiples).
"""

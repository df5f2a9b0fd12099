"""The interactive map (stage 4): one JSON payload drawn by the packaged script.

:mod:`.interactive` (``build_map``, ``save_map``, ``map_html``, ``map_fragment``, ``map_fragments``,
``map_iframe``), :mod:`.payload` and :mod:`.views` (the data the page draws and what a
reader can change), :mod:`.codec` and :mod:`.topology` (compact geometry),
:mod:`.page` and :mod:`.page_assets` (the folium page), :mod:`.plain_page` (the
same page as text, without folium: ``g60map build``), :mod:`.assets` (pinned Leaflet),
:mod:`.basemaps`, :mod:`.flowmap`; the page script ``g60map*.js`` and ``g60map.css``.
"""

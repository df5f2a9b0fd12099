"""GIS and spreadsheet files of the corridor's layers (stage 4).

:mod:`.layers` writes GeoPackage, GeoJSON, GeoParquet, CSV or xlsx
(``export_layers``); :mod:`.spreadsheet` holds the formula-safe CSV and xlsx writers
(``write_table``).
"""

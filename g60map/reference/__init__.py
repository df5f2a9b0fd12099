"""Reference data shipped with the package (stage 1).

The corridor's cities (:mod:`.cities`), province/city/district boundaries
(:mod:`.boundaries`), the national table of divisions and place names (:mod:`.places`),
datum shifts between WGS-84, GCJ-02 and BD-09 (:mod:`.datum`), packaged files
(:mod:`.datasets`) and synthetic tables for demos and tests (:mod:`.synthetic`). Nothing
here reads a user's table.
"""

"""Former home of the XLSX tables, now in :mod:`ropa.render.tables` (one module per sheet).

Only the names still imported from here remain, as re-exports; delete this module once
those importers name the new modules.
"""

from ropa.render.tables.workbook import build_tables as build_tables  # re-export: benchmarks/run.py imports it

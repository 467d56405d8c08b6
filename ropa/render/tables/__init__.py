"""The register as flat tables: one definition per sheet, rows produced lazily, pure Python.

The XLSX renderer (and anything else that wants a spreadsheet-shaped view, such as
a CSV export) consumes :func:`ropa.render.tables.workbook.build_tables`. Nothing here
imports openpyxl, so the tables can be tested and reused without it. Rows are generated
on demand so that a writer streaming them keeps memory flat however large the register
grows. One module per sheet (or pair of sheets sharing their items), the cell formatting
in :mod:`.cells`.

Every cell that describes a fact is text; a fact the register does not state is
:data:`ropa.render.text.NOT_STATED` rather than an empty cell, so gaps stay visible in the sheet.
"""

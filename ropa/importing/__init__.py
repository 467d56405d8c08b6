"""``ropa import``: a register (YAML with comments) from the spreadsheet an organisation already keeps.

Three sources, one module each: the UK ICO documentation templates (:mod:`~ropa.importing.ico`), the
French CNIL register model (:mod:`~ropa.importing.cnil`) and ropa's own ``register.xlsx``
(:mod:`~ropa.importing.register_xlsx`). Workbooks are read into plain grids first (:mod:`~ropa.importing.xlsx`,
:mod:`~ropa.importing.ods`), so the mappers never touch a file; :mod:`~ropa.importing.writer` lays the
register out and writes it in one step. Nothing here is imported by ``ropa validate``.
"""

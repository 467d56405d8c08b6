"""Documents made from a register: view-models, the Jinja environment, PDF register, annexes, figures.

Nothing here imports WeasyPrint at module level; :mod:`ropa.render.pdf` and
:mod:`ropa.render.annexes` import it inside the functions that write PDFs, so
``ropa validate`` never pays for it.
"""

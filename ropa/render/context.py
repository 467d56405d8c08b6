"""Former home of the register view-models, now in :mod:`ropa.render.views` (one module per topic).

Only the names that modules outside the render package still import from here remain,
as re-exports; delete this module once those importers name the new modules.
"""

from ropa.render.text import NOT_STATED as NOT_STATED  # re-export: ropa/render/html.py imports it from here

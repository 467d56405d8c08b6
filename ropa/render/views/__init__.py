"""View-models for the register templates: plain, ordered, pre-formatted values.

Templates decide layout, never logic. Everything they show is computed in this package
(labels, joins, derived facts such as "outside the EEA") and handed over as frozen
dataclasses of strings, booleans and lists, one module per topic; :mod:`.register`
assembles the whole register view. A value that the register does not state is ``None``;
templates pass it through the ``stated`` filter, which prints a visible "Not recorded"
marker, so a document shows its gaps.

The fields of each view are documented in templates/README.md; keep the two in step.
"""

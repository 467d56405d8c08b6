"""The normalised register: one canonical JSON form of what the documents are built from.

Used as the PDF attachment, inside the auditor package, and by ``ropa diff``.
Keys are sorted and defaults left out, so the same register always gives the
same bytes and loading the JSON back gives the same models.
"""

from __future__ import annotations

import json
from typing import Any

from ropa.model.register import Register

FORMAT_VERSION = 1


def register_data(register: Register) -> dict[str, Any]:
    """The register as plain JSON-able data: organisation, activities/ files (when any), providers sorted by id."""
    data: dict[str, Any] = {
        "format": "ropa-register",
        "format_version": FORMAT_VERSION,
        "organisation": register.organisation.model_dump(mode="json", exclude_defaults=True),
        "providers": [p.model_dump(mode="json", exclude_defaults=True) for p in register.providers],
    }
    if register.activity_sets:  # left out when there are none, so older registers keep their bytes
        data["activity_files"] = [
            {"file": file, "activities": [a.model_dump(mode="json", exclude_defaults=True) for a in activities]}
            for file, activities in register.activity_sets
        ]
    return data


def register_json(register: Register) -> bytes:
    """Canonical UTF-8 JSON bytes of :func:`register_data`."""
    text = json.dumps(register_data(register), indent=2, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def register_from_data(data: dict[str, Any]) -> Register:
    """Rebuild a register from :func:`register_data` output (no positions)."""
    from ropa.model.activity import Activity
    from ropa.model.organisation import Organisation
    from ropa.model.provider import Provider

    providers = sorted((Provider.model_validate(p) for p in data["providers"]), key=lambda p: p.id)
    sets = [
        (str(item["file"]), [Activity.model_validate(a) for a in item["activities"]])
        for item in data.get("activity_files", [])
    ]
    return Register(
        organisation=Organisation.model_validate(data["organisation"]),
        providers=providers,
        provider_files={p.id: f"providers/{p.id}.yaml" for p in providers},
        activity_sets=sets,
    )

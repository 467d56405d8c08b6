"""JSON Schemas of the register files, generated from the models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA_FILES = {
    "organisation.schema.json": ("ropa.model.organisation", "Organisation"),
    "activities.schema.json": ("ropa.model.activity", "ActivitiesFile"),
    "provider.schema.json": ("ropa.model.provider", "Provider"),
}


def schemas() -> dict[str, str]:
    """File name -> schema text (sorted keys, trailing newline) for every register file kind."""
    import importlib

    from pydantic import BaseModel

    out: dict[str, str] = {}
    for name, (module, cls_name) in SCHEMA_FILES.items():
        model: type[BaseModel] = getattr(importlib.import_module(module), cls_name)
        data: dict[str, Any] = model.model_json_schema()
        data = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://gdpr-ropa.invalid/schemas/{name}",
            **data,
        }
        out[name] = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return out


def write_schemas(folder: Path, check_only: bool = False) -> list[str]:
    """Write the schemas to ``folder``; return the names that were (or would be) changed."""
    from ropa.util.fsutil import atomic_write

    stale = []
    for name, text in schemas().items():
        target = folder / name
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current != text:
            stale.append(name)
            if not check_only:
                atomic_write(target, text)
    return stale

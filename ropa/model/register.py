"""The whole register: the organisation and its providers, with cross-reference lookups."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from ropa.errors import KeyPath
from ropa.model.activity import Activity
from ropa.model.organisation import Organisation
from ropa.model.provider import Provider, SubProcessor


@dataclass(frozen=True)
class Place:
    """Where an object was defined: the file (relative to the register) and its key path."""

    file: str
    path: KeyPath = ()


@dataclass
class Register:
    """A loaded register: typed models plus the place of each in the source files.

    Attributes:
        organisation: The organisation keeping the record.
        providers: Providers sorted by id.
        organisation_file: File name of the organisation, relative to the register root.
        provider_files: File of each provider id, relative to the register root.
        positions: For each file, the (line, column) of every key path.
    """

    organisation: Organisation
    providers: list[Provider]
    organisation_file: str = "organisation.yaml"
    provider_files: dict[str, str] = field(default_factory=dict)
    positions: dict[str, Mapping[KeyPath, tuple[int, int]]] = field(default_factory=dict)

    def provider(self, provider_id: str) -> Provider | None:
        """The provider with this id, or None."""
        return self._providers_by_id.get(provider_id)

    @property
    def _providers_by_id(self) -> dict[str, Provider]:
        cached: dict[str, Provider] | None = self.__dict__.get("_by_id")
        if cached is None:
            cached = {p.id: p for p in self.providers}
            self.__dict__["_by_id"] = cached
        return cached

    def sub_processor(self, ref: str) -> tuple[Provider, SubProcessor] | None:
        """Resolve ``provider-id/sub-processor-id`` (through an index built on first use)."""
        index: dict[str, tuple[Provider, SubProcessor]] | None = self.__dict__.get("_subs")
        if index is None:
            index = {}
            for provider in self.providers:
                for sub in provider.sub_processors:
                    index.setdefault(f"{provider.id}/{sub.id}", (provider, sub))
            self.__dict__["_subs"] = index
        return index.get(ref)

    def activities(self) -> Iterator[tuple[Provider, int, Activity]]:
        """Every activity with its provider and index, in register order."""
        for provider in self.providers:
            for index, activity in enumerate(provider.activities):
                yield provider, index, activity

    def locate(self, file: str, path: KeyPath) -> tuple[int, int]:
        """Line and column of the longest existing prefix of ``path`` in ``file``."""
        table = self.positions.get(file, {})
        for end in range(len(path), -1, -1):
            pos = table.get(path[:end])
            if pos is not None:
                return pos
        return (1, 1)

"""The whole register: the organisation, its activities and its providers, with cross-reference lookups."""

from __future__ import annotations

from collections.abc import Mapping
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


@dataclass(frozen=True, slots=True)
class Entry:
    """One activity of the controller record and where it is declared.

    Attributes:
        activity: The activity.
        file: Its file, relative to the register (``activities/x.yaml`` or ``providers/<id>.yaml``).
        index: Its index in that file's ``activities`` list.
        host: The provider whose file declares it (its implied involvement), or None for activities/.
    """

    activity: Activity
    file: str
    index: int
    host: Provider | None = None

    @property
    def path(self) -> KeyPath:
        """Key path of the activity in its file."""
        return ("activities", self.index)

    @property
    def provider_id(self) -> str | None:
        """Id of the host provider, for waivers and per-provider grouping."""
        return self.host.id if self.host is not None else None


@dataclass
class Register:
    """A loaded register: typed models plus the place of each in the source files.

    Attributes:
        organisation: The organisation keeping the record.
        providers: Providers sorted by id.
        organisation_file: File name of the organisation, relative to the register root.
        provider_files: File of each provider id, relative to the register root.
        positions: For each file, the (line, column) of every key path.
        activity_sets: The activities/ files, sorted by name, each with its activities.
    """

    organisation: Organisation
    providers: list[Provider]
    organisation_file: str = "organisation.yaml"
    provider_files: dict[str, str] = field(default_factory=dict)
    positions: dict[str, Mapping[KeyPath, tuple[int, int]]] = field(default_factory=dict)
    activity_sets: list[tuple[str, list[Activity]]] = field(default_factory=list)

    def files(self) -> list[str]:
        """Every file of the register, relative to it: organisation.yaml, activities/, then providers/."""
        return [
            self.organisation_file,
            *(file for file, _activities in self.activity_sets),
            *sorted(self.provider_files.values()),
        ]

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

    def activities(self) -> list[Entry]:
        """Every activity of the controller record, in register order: activities/ files, then provider files.

        Built on each call (a list of small records), so that it always follows the providers as they are now.
        """
        entries = [
            Entry(activity, file, index)
            for file, activities in self.activity_sets
            for index, activity in enumerate(activities)
        ]
        entries += [
            Entry(activity, self.provider_files.get(provider.id, f"providers/{provider.id}.yaml"), index, provider)
            for provider in self.providers
            for index, activity in enumerate(provider.activities)
        ]
        return entries

    def locate(self, file: str, path: KeyPath) -> tuple[int, int]:
        """Line and column of the longest existing prefix of ``path`` in ``file``."""
        table = self.positions.get(file, {})
        for end in range(len(path), -1, -1):
            pos = table.get(path[:end])
            if pos is not None:
                return pos
        return (1, 1)

"""Typed models of the register (pydantic v2): organisation, providers, activities, transfers."""

from ropa.model.activity import Activity, DataCategory, Purpose, Recipient, Retention
from ropa.model.common import Severity, Tom, TomKind
from ropa.model.organisation import Organisation, Settings, Waiver
from ropa.model.provider import Provider, SubProcessor
from ropa.model.register import Place, Register
from ropa.model.transfer import Mechanism, MechanismType, Transfer

__all__ = [
    "Activity",
    "DataCategory",
    "Mechanism",
    "MechanismType",
    "Organisation",
    "Place",
    "Provider",
    "Purpose",
    "Recipient",
    "Register",
    "Retention",
    "Settings",
    "Severity",
    "SubProcessor",
    "Tom",
    "TomKind",
    "Transfer",
    "Waiver",
]

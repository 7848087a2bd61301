from hazards.models.catalogue import CatalogueItem, CatalogueVersion, HazardCatalogue
from hazards.models.ledger import (
    AccidentType,
    Hazard,
    HazardCounter,
    HazardEvent,
    HazardExtension,
    HazardPhoto,
)

__all__ = [
    "AccidentType",
    "CatalogueItem",
    "CatalogueVersion",
    "Hazard",
    "HazardCatalogue",
    "HazardCounter",
    "HazardEvent",
    "HazardExtension",
    "HazardPhoto",
]

from .applicants import (
    FinancialYear,
    Individual,
    MobiliserProfile,
    Organisation,
    OrganisationMembership,
)
from .cycles import Cycle
from .dossiers import (
    CheckItem,
    Dossier,
    DossierFile,
    DossierGroupObjectPermission,
    DossierUserObjectPermission,
    Invitation,
    SupplementNotice,
)

__all__ = [
    "CheckItem",
    "Cycle",
    "Dossier",
    "DossierFile",
    "DossierGroupObjectPermission",
    "DossierUserObjectPermission",
    "FinancialYear",
    "Individual",
    "Invitation",
    "MobiliserProfile",
    "Organisation",
    "OrganisationMembership",
    "SupplementNotice",
]

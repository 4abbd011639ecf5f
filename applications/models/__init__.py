from .applicants import (
    FinancialYear,
    Individual,
    MobiliserProfile,
    MobiliserScope,
    Organisation,
    OrganisationMembership,
)
from .bans import ApplicantBan, BanSource
from .cycles import Cycle
from .dossiers import (
    CheckItem,
    Dossier,
    DossierFile,
    DossierGroupObjectPermission,
    DossierUserObjectPermission,
    Invitation,
    MemberInvitation,
    Receipt,
    ReceiptKind,
    SupplementNotice,
)

__all__ = [
    "ApplicantBan",
    "BanSource",
    "CheckItem",
    "Cycle",
    "Dossier",
    "DossierFile",
    "DossierGroupObjectPermission",
    "DossierUserObjectPermission",
    "FinancialYear",
    "Individual",
    "Invitation",
    "MemberInvitation",
    "MobiliserProfile",
    "MobiliserScope",
    "Organisation",
    "OrganisationMembership",
    "Receipt",
    "ReceiptKind",
    "SupplementNotice",
]

"""The office's letterhead: who issues the documents and how to reach it (settings)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Office:
    name: str
    address: str
    phone: str
    email: str
    hours: str

    @property
    def contact_line(self) -> str:
        """The contact line at the foot of a document, in Chinese (documents are Chinese)."""
        parts = [
            f"地址：{self.address}" if self.address else "",
            f"电话：{self.phone}" if self.phone else "",
            f"电子邮箱：{self.email}" if self.email else "",
            f"办公时间：{self.hours}" if self.hours else "",
        ]
        return "　".join(part for part in parts if part)


def office() -> Office:
    return Office(
        name=settings.PORTAL_OFFICE_NAME,
        address=settings.PORTAL_OFFICE_ADDRESS,
        phone=settings.PORTAL_OFFICE_PHONE,
        email=settings.PORTAL_OFFICE_EMAIL,
        hours=settings.PORTAL_OFFICE_HOURS,
    )

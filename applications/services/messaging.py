"""Telling applicants and the office what happened to a dossier: every message lands in
the recipient's in-app notifications and goes out by e-mail after the transaction
commits (the e-mail leaves from the worker, never inside the request).

Messages are rendered from ``templates/applications/email/<name>_subject.txt`` and
``<name>.txt`` with a greeting, what happened, what to do and by when, and the office's
signature and contact.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from award_portal.accounts.enums import Role
from award_portal.accounts.models import User
from award_portal.documents.office import office
from award_portal.notifications.services import email_queue, notify, office_signature

from .grants import dossier_applicant_users


def render_message(
    template: str, context: dict, *, folder: str = "applications/email"
) -> tuple[str, str]:
    subject = " ".join(render_to_string(f"{folder}/{template}_subject.txt", context).split())
    body = render_to_string(f"{folder}/{template}.txt", context).strip()
    return subject, body


def in_app_text(body: str) -> str:
    """The in-app copy of a message, rendered with ``in_app``: the greeting, the
    signature and the lines that carry the link render empty (the notification's own
    打开 is the link, and is withdrawn with the access); the blank lines they leave go."""
    text = "\n".join(line.rstrip() for line in body.splitlines())
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def _tell(
    users, dossier, *, template: str, context: dict, url: str, folder: str = "applications/email"
) -> None:
    link = f"{settings.PORTAL_BASE_URL}{url}"
    for user in users:
        shared = {
            "dossier": dossier,
            "user": user,
            "office": office(),
            "signature": office_signature(),
            "link": link,
            **context,
        }
        subject, body = render_message(template, shared, folder=folder)
        # in the portal: what happened, without the e-mail's greeting, signature and link
        _subject, in_app = render_message(template, {**shared, "in_app": True}, folder=folder)
        notify(user=user, title=subject, body=in_app_text(in_app), url=url, email=False)
        if user.email:
            email_queue(to=[user.email], subject=subject, body=body)


def tell_applicants(
    dossier, *, template: str, context: dict, url: str, folder: str = "applications/email"
) -> None:
    """Every active user acting for the applicant: in-app and by e-mail. Downstream apps
    keep their messages in their own ``folder`` (with ``_greeting.txt`` and
    ``_signature.txt`` included from applications/email)."""
    _tell(
        dossier_applicant_users(dossier),
        dossier,
        template=template,
        context=context,
        url=url,
        folder=folder,
    )


def tell_office(dossier, *, template: str, context: dict, url: str) -> None:
    """Every active office user: in-app and by e-mail."""
    users = User.objects.filter(groups__name=Role.OFFICE, is_active=True)
    _tell(users, dossier, template=template, context=context, url=url)

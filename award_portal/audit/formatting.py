"""The audit trail as people read it: labels instead of codes, details as text.

Used by the list page and by the CSV and Excel exports, in the active language. The
labels of detail keys and the vocabularies of coded values come from
``award_portal.audit.labels``: the core registers its own words below, each domain app
its words in its ``AppConfig.ready``. A key nobody registered is shown as stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from award_portal.accounts.enums import ApplicantKind, Role, WorkingGroupPosition

from .enums import Action, Outcome
from .labels import key_label, register_details, register_fields, value_vocabulary
from .models import AuditEvent


def register_core_words() -> None:
    """The words of the core's own events; run by ``AuditConfig.ready``."""
    register_details(
        keys={
            "role": gettext_lazy("Role"),
            "actor_role": gettext_lazy("Role"),
            "working_group_position": gettext_lazy("Working-group position"),
            "kind": gettext_lazy("Applicant kind"),
            "username": gettext_lazy("User name"),
            "actor": gettext_lazy("Actor"),
            "email": gettext_lazy("E-mail address"),
            "language": gettext_lazy("Language"),
            "reason": gettext_lazy("Reason"),
            "filters": gettext_lazy("Filters"),
            "format": gettext_lazy("Format"),
            "rows": gettext_lazy("Rows"),
            "locked_until": gettext_lazy("Locked until"),
            "action": gettext_lazy("Action"),
            "outcome": gettext_lazy("Outcome"),
            "target": gettext_lazy("Target"),
            "since": gettext_lazy("From date"),
            "until": gettext_lazy("To date"),
            "fields": gettext_lazy("Changed fields"),
            "changes": pgettext_lazy("audit detail", "Changes"),
            "created": pgettext_lazy("audit detail", "Newly created"),
            "page": pgettext_lazy("audit detail", "Page"),
            # rulebook editions (award_portal.rules)
            "copied_from": pgettext_lazy("audit detail", "Copied from"),
            "effective_from": pgettext_lazy("audit detail", "In force from"),
            "effective_until": pgettext_lazy("audit detail", "In force until"),
            "announcement": pgettext_lazy("audit detail", "Announcement date"),
            # the holiday calendar (award_portal.workdays)
            "year": pgettext_lazy("audit detail", "Year"),
            "notice_number": pgettext_lazy("audit detail", "Notice number"),
            "holidays": pgettext_lazy("audit detail", "Holidays"),
            "makeup_days": pgettext_lazy("audit detail", "Make-up working days"),
            "confirmed": pgettext_lazy("audit detail", "Confirmed"),
            "pending_deadlines_resolved": pgettext_lazy(
                "audit detail", "Pending deadlines settled"
            ),
        },
        values={
            "role": Role,
            "actor_role": Role,
            "working_group_position": WorkingGroupPosition,
            "kind": ApplicantKind,
            "action": Action,
            "outcome": Outcome,
            "format": {"csv": "CSV", "xlsx": "Excel", "pdf": "PDF", "ics": "iCalendar"},
        },
    )

    register_details(
        values={"language": {code: name for code, name in settings.LANGUAGES}},
    )
    register_fields(
        django_apps.get_model("rules", "RulebookEdition"),
        actions=[Action.EDITION_CHANGED, Action.EDITION_CREATED],
    )
    register_details(
        keys={"kind": pgettext_lazy("audit detail", "Document kind")},
        values={"kind": DOCUMENT_KINDS},
        actions=[Action.FILE_DOWNLOADED],
    )


# The kinds of official document (award_portal.documents) an audit row may name.
DOCUMENT_KINDS = {
    "receipt": pgettext_lazy("document kind", "Receipt"),
    "supplement_notice": pgettext_lazy("document kind", "Supplement notice"),
    "qualification_decision": pgettext_lazy("document kind", "Qualification decision"),
    "review_report": pgettext_lazy("document kind", "Review report"),
    "review_feedback": pgettext_lazy("document kind", "Review feedback report"),
    "results_notice": pgettext_lazy("document kind", "Notice of the review results"),
    "candidate_list": pgettext_lazy("document kind", "Candidate list"),
    "minutes": pgettext_lazy("document kind", "Minutes of the meeting"),
    "publicity_notice": pgettext_lazy("document kind", "Publicity notice"),
    "certificate": pgettext_lazy("document kind", "Certificate"),
}

# Who acted, when it was not a person with an account.
ACTOR_LABELS = {
    "public": pgettext_lazy("audit actor", "Member of the public"),
    "system": pgettext_lazy("audit actor", "System"),
    "manage.py workdays recheck": pgettext_lazy("audit actor", "System (calendar recheck)"),
    "worker": pgettext_lazy("audit actor", "System (background task)"),
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$"
)
_STORED_BOOLEANS = {"True": True, "False": False}  # a changed yes/no field, as stored
_NUMBERED_KEY = re.compile(r"^([a-z][a-z_]*?)_(\d+)$")


def actor_text(label: str) -> str:
    """The actor column: a user name as stored, the public and the system in words."""
    found = ACTOR_LABELS.get(label)
    return str(found) if found is not None else label


def _date_text(value: str) -> str | None:
    """An ISO date or time stored in the details, in the reader's date style."""
    try:
        if _ISO_DATE.match(value):
            return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")
        if _ISO_DATETIME.match(value):
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "DATETIME_FORMAT")
    except ValueError:
        return None
    return None


def _key_text(key: Any, action: str) -> str:
    key = str(key)
    found = key_label(key, action)
    if found is not None:
        return str(found)
    numbered = _NUMBERED_KEY.match(key)  # ``year_2025``: the label of ``year`` and the number
    if numbered and key_label(numbered.group(1), action) is not None:
        return f"{key_label(numbered.group(1), action)} {numbered.group(2)}"
    if "." in key:  # ``4.1.max_score``: a code, then what of it changed
        return "·".join(_key_text(part, action) for part in key.split("."))
    return key


def _value_text(key: str, value: Any, action: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list | tuple):
        return pgettext("list separator", ", ").join(
            _value_text(key, item, action) for item in value
        )
    if isinstance(value, dict):  # a dict inside a list: keep it compact but readable
        return pgettext("list separator", ", ").join(
            f"{_key_text(k, action)}：{_value_text(k, v, action)}"
            for k, v in value.items()
            if v not in ("", None, [], {})
        )
    if key == "fields" and isinstance(value, str):  # the names of changed fields
        return _key_text(value, action)
    vocabulary = value_vocabulary(key, action)
    if vocabulary is not None:
        for code in (value, str(value)):
            if code in vocabulary:
                return str(vocabulary[code])
    if isinstance(value, str):
        when = _date_text(value)
        if when is not None:
            return when
    return str(value)


def _change_text(field: str, value: Any, action: str) -> str:
    """``[old, new]`` of a changed field as ``old → new``."""
    if isinstance(value, list | tuple) and len(value) == 2:
        value = [_STORED_BOOLEANS.get(v, v) if isinstance(v, str) else v for v in value]
        old, new = (_value_text(field, v, action) if v not in ("", None) else "—" for v in value)
        return pgettext("audit change", "%(old)s → %(new)s") % {"old": old, "new": new}
    return _value_text(field, value, action)


def _pairs(details: dict, action: str, prefix: str = "") -> Iterable[tuple[str, str]]:
    for key, value in details.items():
        label = _key_text(key, action)
        name = f"{prefix}·{label}" if prefix else label
        if value in ("", None, [], {}):
            continue
        if key == "changes" and isinstance(value, dict):
            for field, pair in value.items():
                yield f"{name}·{_key_text(field, action)}", _change_text(field, pair, action)
        elif isinstance(value, dict):
            yield from _pairs(value, action, name)
        else:
            yield name, _value_text(key, value, action)


def details_text(details: dict | None, action: str = "") -> str:
    """``{"role": "expert"}`` → ``角色：评审专家``; several pairs joined by ``；``.

    ``action`` chooses the words registered for that action over the general ones."""
    if not details:
        return ""
    if not isinstance(details, dict):  # never fail on a row written by hand
        return str(details)
    return pgettext("details separator", "; ").join(
        pgettext("details pair", "%(key)s: %(value)s") % {"key": key, "value": value}
        for key, value in _pairs(details, str(action or ""))
    )


def export_header() -> list[str]:
    return [
        _("Time"),
        _("Actor"),
        _("Role"),
        _("Action"),
        _("Outcome"),
        _("Target type"),
        _("Target id"),
        _("Target"),
        _("Source IP"),
        _("Details"),
    ]


def export_rows(events: Iterable[AuditEvent]) -> Iterable[list]:
    """One row per event, matching ``export_header``. Text cells go through the
    spreadsheet writers, which keep them from being read as formulas."""
    for event in events:
        yield [
            event.occurred_at,
            actor_text(event.actor_label),
            event.actor_role_label,
            event.action_label,
            event.get_outcome_display(),
            str(event.target_type.name) if event.target_type else "",
            event.target_id,
            event.target_label,
            event.source_ip or "",
            details_text(event.details, event.action),
        ]

"""What the audit trail calls the keys and coded values of its events' details.

The core never imports a domain app (DESIGN §2), so each app registers the words of its
own events here, in its ``AppConfig.ready``, e.g.::

    register_details(
        keys={"ground": _("Ground"), "revocation": _("Revocation")},
        values={"ground": RevocationGround},
        actions=[Action.AWARD_REVOKED],
    )

``keys`` maps a detail key to its label; ``values`` maps a detail key to its vocabulary:
a ``TextChoices``/``IntegerChoices`` class, a ``{code: label}`` mapping or a field's
``choices`` list. Without ``actions`` the words hold for every event; with ``actions``
they hold for those actions only and win over the general ones (``kind`` means the kind
of applicant in one event and the kind of file in another).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

_ANY = ""
_key_labels: dict[tuple[str, str], Any] = {}
_value_labels: dict[tuple[str, str], Mapping[Any, Any]] = {}


def _vocabulary(choices) -> Mapping[Any, Any]:
    if isinstance(choices, Mapping):
        return dict(choices)
    if hasattr(choices, "choices"):  # a Choices enum
        return dict(choices.choices)
    return dict(choices)  # a list of (code, label) pairs


def register_details(
    *,
    keys: Mapping[str, Any] | None = None,
    values: Mapping[str, Any] | None = None,
    actions: Iterable[str] | None = None,
) -> None:
    """Register labels of detail keys and vocabularies of coded detail values.

    A key's label registered again replaces the old one; a vocabulary registered again
    for the same key is merged into it (two apps may both name permissions in ``perms``).
    """
    scopes = [str(action) for action in actions] if actions else [_ANY]
    for scope in scopes:
        for key, label in (keys or {}).items():
            _key_labels[scope, key] = label
        for key, choices in (values or {}).items():
            _value_labels[scope, key] = {
                **_value_labels.get((scope, key), {}),
                **_vocabulary(choices),
            }


def key_label(key: str, action: str = "") -> Any | None:
    """The label registered for ``key`` (for this action first), or None."""
    found = _key_labels.get((str(action), key))
    return found if found is not None else _key_labels.get((_ANY, key))


def value_vocabulary(key: str, action: str = "") -> Mapping[Any, Any] | None:
    """The vocabulary registered for the values of ``key``, or None."""
    found = _value_labels.get((str(action), key))
    return found if found is not None else _value_labels.get((_ANY, key))


def registered_keys() -> set[str]:
    """Every key that has a label, for any action."""
    return {key for _scope, key in _key_labels}


def register_fields(*models, actions: Iterable[str], only: Iterable[str] | None = None) -> None:
    """Register the fields of ``models`` for ``actions``: each field's name is labelled
    by its verbose name and a field with choices gets them as its vocabulary. A list of
    changed fields' names (the key ``fields``) is shown by these labels too."""
    wanted = set(only) if only is not None else None
    keys: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for model in models:
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) or getattr(field, "auto_created", False):
                continue
            if wanted is not None and field.name not in wanted:
                continue
            keys[field.name] = field.verbose_name
            if field.choices:
                values[field.name] = field.flatchoices
    register_details(keys=keys, values=values, actions=actions)

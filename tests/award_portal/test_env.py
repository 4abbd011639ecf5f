import pytest
from django.core.exceptions import ImproperlyConfigured

from award_portal.env import email_settings_from_url, env_bool, env_int, env_list, env_str

pytestmark = pytest.mark.unit


def test_env_bool_reads_common_spellings(monkeypatch):
    for text, expected in [
        ("true", True),
        ("YES", True),
        ("1", True),
        ("off", False),
        ("0", False),
    ]:
        monkeypatch.setenv("X_FLAG", text)
        assert env_bool("X_FLAG", not expected) is expected


def test_env_bool_rejects_garbage_naming_the_variable(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_env_int_rejects_non_numbers_and_values_below_minimum(monkeypatch):
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "-3")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("X_NUM", 1, minimum=0)


def test_env_defaults_apply_when_unset_or_blank(monkeypatch):
    monkeypatch.delenv("X_UNSET", raising=False)
    monkeypatch.setenv("X_BLANK", "  ")
    assert env_str("X_UNSET", "d") == "d"
    assert env_str("X_BLANK", "d") == "d"
    assert env_list("X_UNSET", ["a"]) == ["a"]
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    assert env_list("X_LIST", []) == ["a.example", "b.example"]


def test_email_url_console_and_smtp():
    assert email_settings_from_url("console://")["OUTBOX_DELIVERY_BACKEND"].endswith(
        "console.EmailBackend"
    )
    smtp = email_settings_from_url("smtp://mailer:p%40ss@mail.example.invalid:587?tls=true")
    assert smtp["EMAIL_HOST"] == "mail.example.invalid"
    assert smtp["EMAIL_PORT"] == 587
    assert smtp["EMAIL_HOST_USER"] == "mailer"
    assert smtp["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert smtp["EMAIL_USE_TLS"] is True
    assert smtp["EMAIL_USE_SSL"] is False
    smtps = email_settings_from_url("smtps://mail.example.invalid")
    assert smtps["EMAIL_PORT"] == 465
    assert smtps["EMAIL_USE_SSL"] is True


def test_email_url_rejects_unknown_scheme_and_missing_host():
    with pytest.raises(ImproperlyConfigured, match="scheme"):
        email_settings_from_url("pigeon://loft")
    with pytest.raises(ImproperlyConfigured, match="host"):
        email_settings_from_url("smtp://")

"""Every service's configuration: documented in .env.example, and refused clearly when bad."""

from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from ticketing.auth.settings import AuthSettings
from ticketing.expiration.settings import ExpirationSettings
from ticketing.moderation.settings import ModerationSettings
from ticketing.orders.settings import OrdersSettings
from ticketing.payments.settings import PaymentsSettings
from ticketing.shared.settings import ConfigurationError, load
from ticketing.tickets.settings import TicketsSettings
from ticketing.web.settings import WebSettings

SETTINGS: list[type[BaseSettings]] = [
    AuthSettings,
    TicketsSettings,
    OrdersSettings,
    PaymentsSettings,
    ExpirationSettings,
    ModerationSettings,
]


@pytest.fixture(autouse=True)
def _dev_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dev profile unless a test asks for production, so each test sees only its variable."""
    monkeypatch.setenv("TICKETING_PROFILE", "dev")


@pytest.mark.parametrize("settings", [*SETTINGS, WebSettings], ids=lambda s: s.__name__)
def test_every_variable_is_documented_in_env_example(settings: type[BaseSettings]) -> None:
    example = Path(".env.example").read_text()
    missing = [name.upper() for name in settings.model_fields if name.upper() not in example]
    assert missing == []


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: s.__name__)
def test_each_service_has_its_own_default_port(settings: type[BaseSettings]) -> None:
    ports = {s.model_fields["port"].default for s in SETTINGS}
    assert len(ports) == len(SETTINGS)
    assert 8001 <= settings.model_fields["port"].default <= 8006


@pytest.mark.parametrize(
    ("settings", "variable", "value"),
    [
        (OrdersSettings, "ORDER_EXPIRATION_SECONDS", "0"),
        (PaymentsSettings, "STRIPE_API_KEY", "pk_live_public_not_secret"),
        (PaymentsSettings, "STRIPE_CURRENCY", "dollars"),
        (ModerationSettings, "MODERATION_REJECT_THRESHOLD", "2"),
        (AuthSettings, "COOKIE_SECURE", "perhaps"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, settings: type[BaseSettings], variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=variable):
        load(settings)


def test_the_review_threshold_may_not_exceed_the_reject_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MODERATION_REVIEW_THRESHOLD", "0.9")
    monkeypatch.setenv("MODERATION_REJECT_THRESHOLD", "0.5")
    with pytest.raises(ConfigurationError, match="MODERATION_REVIEW_THRESHOLD must not exceed"):
        load(ModerationSettings)


def test_secrets_are_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRIPE_API_KEY", "pk_live_secret_value")
    with pytest.raises(ConfigurationError) as raised:
        load(PaymentsSettings)
    assert "pk_live_secret_value" not in str(raised.value)


def test_the_production_profile_is_the_default_and_names_what_to_configure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TICKETING_PROFILE")
    with pytest.raises(ConfigurationError) as raised:
        load(AuthSettings)
    message = str(raised.value)
    assert "production profile refuses" in message
    assert "the embedded identity and permission engine" in message
    assert "KRATOS_PUBLIC_URL" in message
    assert "mail catcher (set SMTP_HOST and SMTP_PORT)" in message
    assert "TICKETING_PROFILE=dev" in message


ORY = {
    "KRATOS_PUBLIC_URL": "http://kratos:4433",
    "KRATOS_ADMIN_URL": "http://kratos:4434",
    "KETO_READ_URL": "http://keto:4466",
    "KETO_WRITE_URL": "http://keto:4467",
}


def test_production_refuses_the_local_mongodb_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TICKETING_PROFILE", "production")
    for name, value in ORY.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("MONGODB_URL", raising=False)
    with pytest.raises(ConfigurationError, match="local MongoDB default.*set MONGODB_URL"):
        load(AuthSettings)


def test_production_sets_secure_cookies_and_refuses_insecure_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TICKETING_PROFILE", "production")
    monkeypatch.setenv("MONGODB_URL", "mongodb://db.internal:27017/")
    for name, value in ORY.items():
        monkeypatch.setenv(name, value)
    assert load(AuthSettings).secure_cookies is True
    monkeypatch.setenv("COOKIE_SECURE", "false")
    with pytest.raises(ConfigurationError, match="cookies without Secure"):
        load(AuthSettings)


def test_the_web_front_end_in_production_sets_secure_cookies_and_refuses_insecure_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TICKETING_PROFILE", "production")
    monkeypatch.setenv("CSRF_SECRET", "s" * 32)
    assert load(WebSettings).secure_cookies is True
    monkeypatch.setenv("COOKIE_SECURE", "false")
    with pytest.raises(ConfigurationError, match="cookies without Secure"):
        load(WebSettings)


def test_the_dev_profile_allows_the_embedded_parts() -> None:
    settings = load(AuthSettings)
    assert settings.uses_ory is False
    assert settings.secure_cookies is False  # the stack serves plain http://127.0.0.1


def test_sign_in_needs_a_verified_email_in_production_and_not_in_dev_unless_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load(AuthSettings).verified_email_required is False
    monkeypatch.setenv("REQUIRE_VERIFIED_EMAIL", "true")
    assert load(AuthSettings).verified_email_required is True
    monkeypatch.delenv("REQUIRE_VERIFIED_EMAIL")
    monkeypatch.setenv("TICKETING_PROFILE", "production")
    monkeypatch.setenv("MONGODB_URL", "mongodb://db.internal:27017/")
    for name, value in ORY.items():
        monkeypatch.setenv(name, value)
    assert load(AuthSettings).verified_email_required is True


def test_an_smtp_login_without_tls_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_USERNAME", "mailer")
    with pytest.raises(ConfigurationError, match="SMTP_USERNAME is set but SMTP_TLS is none"):
        load(AuthSettings)
    monkeypatch.setenv("SMTP_TLS", "starttls")
    assert load(AuthSettings).smtp_tls == "starttls"

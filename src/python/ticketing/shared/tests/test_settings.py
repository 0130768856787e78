from pathlib import Path
from typing import Any

import pytest

from ticketing.shared.settings import ConfigurationError, ServiceSettings, load, local_names


class ExampleSettings(ServiceSettings):
    order_expiration_seconds: int = 900


def test_defaults_need_no_environment_but_the_dev_profile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.setenv("TICKETING_PROFILE", "dev")  # production needs Ory's URLs
    settings = load(ExampleSettings)
    assert settings.port == 8000
    assert settings.database_name("orders") == "ticketing_orders"
    assert not settings.uses_ory


def test_malformed_variable_is_named_with_what_was_expected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORT", "eighty")
    monkeypatch.setenv("ORDER_EXPIRATION_SECONDS", "soon")
    with pytest.raises(ConfigurationError) as raised:
        load(ExampleSettings)
    message = str(raised.value)
    assert "PORT: Input should be a valid integer" in message
    assert "'eighty'" in message
    assert "ORDER_EXPIRATION_SECONDS" in message


def test_bad_url_scheme_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RABBITMQ_URL", "http://localhost")
    with pytest.raises(ConfigurationError, match="RABBITMQ_URL"):
        load(ExampleSettings)


def test_half_configured_ory_names_the_missing_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KRATOS_PUBLIC_URL", "http://kratos:4433")
    monkeypatch.setenv("KETO_READ_URL", "http://keto:4466")
    with pytest.raises(ConfigurationError) as raised:
        load(ExampleSettings)
    assert "KRATOS_ADMIN_URL, KETO_WRITE_URL missing" in str(raised.value)


def test_local_names_differ_per_state_directory_and_are_stable(tmp_path: Path) -> None:
    first, second = tmp_path / "checkout-a" / ".stack", tmp_path / "checkout-b" / ".stack"
    names = local_names(first)
    assert local_names(first) == names
    assert local_names(tmp_path / "checkout-a" / "x" / ".." / ".stack") == names  # same place
    other = local_names(second)
    assert all(names[key] != other[key] for key in names)
    fields: dict[str, Any] = {key.lower(): value for key, value in names.items()}
    ServiceSettings(ticketing_profile="dev", **fields)  # valid values


def test_a_name_set_explicitly_wins_over_the_derived_one(tmp_path: Path) -> None:
    names = local_names(tmp_path, {"EVENT_EXCHANGE": "mine"})
    assert names["EVENT_EXCHANGE"] == "mine"
    assert names["MONGODB_DATABASE_PREFIX"] != "mine"


@pytest.mark.parametrize(
    ("unkeyed", "url"),
    [
        ("ORY_KRATOS_API_KEY", "KRATOS_ADMIN_URL"),
        ("ORY_KETO_API_KEY", "KETO_WRITE_URL"),
    ],
)
def test_production_refuses_ory_network_without_its_api_key(
    monkeypatch: pytest.MonkeyPatch, unkeyed: str, url: str
) -> None:
    network = "https://quirky-name-1a2b.projects.oryapis.com"
    for name in ("KRATOS_PUBLIC_URL", "KRATOS_ADMIN_URL", "KETO_READ_URL", "KETO_WRITE_URL"):
        monkeypatch.setenv(name, network if name == url else f"http://{name.lower()}:4433")
    monkeypatch.setenv("MONGODB_URL", "mongodb://db:27017")
    for key in ("ORY_KRATOS_API_KEY", "ORY_KETO_API_KEY"):
        monkeypatch.setenv(key, "ory_pat_xyz")
    assert load(ExampleSettings).uses_ory  # every key set: accepted
    monkeypatch.delenv(unkeyed)
    with pytest.raises(
        ConfigurationError, match=f"Ory Network without its API key \\(set {unkeyed}\\)"
    ):
        load(ExampleSettings)
    monkeypatch.setenv(url, "https://oryapis.example.com")  # not Ory Network: no key needed
    assert load(ExampleSettings).uses_ory

"""The public API document: the five API services' own OpenAPI documents merged into one
(OpenAPI 3.1), written to DOCUMENT, which the web front end serves at /api/openapi.json, and
the typed Python client generated from it (openapi-python-client) into CLIENT. Never edit
either by hand:

    ./pants run scripts:api_document            # write both
    ./pants run scripts:api_document -- --check # exit 1 if either committed copy is stale
"""

from __future__ import annotations

import argparse
import filecmp
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from litestar import Litestar
from openapi_python_client import generate
from openapi_python_client.config import Config, ConfigFile, MetaType

from ticketing.auth.app import create_app as auth_app
from ticketing.auth.settings import AuthSettings
from ticketing.moderation.app import create_app as moderation_app
from ticketing.moderation.settings import ModerationSettings
from ticketing.orders.app import create_app as orders_app
from ticketing.orders.settings import OrdersSettings
from ticketing.payments.app import create_app as payments_app
from ticketing.payments.settings import PaymentsSettings
from ticketing.stack.edge_config import ROUTES
from ticketing.tickets.app import create_app as tickets_app
from ticketing.tickets.settings import TicketsSettings

DOCUMENT = Path("src/python/ticketing/web/reference/openapi.json")
CLIENT = Path("clients/python/ticketing_client")
# No post hooks: the generator's default runs `ruff --fix` over its output.
GENERATOR = ConfigFile(
    project_name_override="ticketing-client",
    package_name_override="ticketing_client",
    post_hooks=[],
)
# The services are built as in the dev profile: the document does not depend on settings.
DEV: dict[str, Any] = {"ticketing_profile": "dev"}
SERVICES: dict[str, Callable[[], Litestar]] = {
    "auth": lambda: auth_app(AuthSettings(**DEV)),
    "tickets": lambda: tickets_app(TicketsSettings(**DEV)),
    "orders": lambda: orders_app(OrdersSettings(**DEV)),
    "payments": lambda: payments_app(PaymentsSettings(**DEV, stripe_api_key="sk_document")),
    "moderation": lambda: moderation_app(ModerationSettings(**DEV)),
}
DESCRIPTION = """The public REST API of Ticketing, a ticket-resale marketplace, merged from its
services' own documents.

Sign up or sign in (`signUp`, `signIn`): the answer carries a session token, usable as
`Authorization: Bearer <token>` (or `X-Session-Token`), and sets the same token as a cookie.
JSON in snake_case; every error is a problem detail (RFC 9457, `application/problem+json`).
"""


def _public(service: str, path: str) -> bool:
    """A path the edge routes to this service."""
    prefixes = [prefix for prefix, name in ROUTES.items() if name == service]
    return any(path == prefix or path.startswith(prefix + "/") for prefix in prefixes)


def merge(documents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One document of the services' public paths; a component two services define
    differently, or a path or operation id two services claim, is an error."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    schemes: dict[str, Any] = {}
    tags: dict[str, str] = {}
    operation_ids: dict[str, str] = {}
    for service, document in documents.items():
        for path, item in document["paths"].items():
            if not _public(service, path):
                continue
            if path in paths:
                raise SystemExit(f"{path} is served by two services")
            paths[path] = item
            for method, operation in item.items():
                claimed = operation_ids.setdefault(operation["operationId"], f"{method} {path}")
                if claimed != f"{method} {path}":
                    raise SystemExit(f"operation id {operation['operationId']} is not unique")
                tags.update({tag: service for tag in operation.get("tags", [])})
        components = document.get("components", {})
        for kind, merged in (("schemas", schemas), ("securitySchemes", schemes)):
            for name, value in components.get(kind, {}).items():
                if merged.setdefault(name, value) != value:
                    raise SystemExit(f"{service} defines {kind} {name} unlike another service")
    return {
        "openapi": "3.1.0",
        "info": {"title": "Ticketing API", "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "tags": [
            {"name": tag, "description": f"served by the {service} service"}
            for tag, service in sorted(tags.items())
        ],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": schemas, "securitySchemes": schemes},
    }


def build() -> dict[str, Any]:
    return merge({name: app().openapi_schema.to_schema() for name, app in SERVICES.items()})


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate_client(document: Path, output: Path) -> None:
    """The typed client package of ``document``, written to ``output`` (replaced)."""
    config = Config.from_sources(GENERATOR, MetaType.NONE, document, "utf-8", True, output)
    errors = generate(config=config)
    if errors:
        raise SystemExit("\n".join(f"{error.header}: {error.detail}" for error in errors))


def differences(left: Path, right: Path) -> list[str]:
    """The files that differ between two trees (empty: the same), ignoring caches."""
    compared = filecmp.dircmp(left, right, ignore=["__pycache__"])
    found = [*compared.left_only, *compared.right_only, *compared.diff_files]
    for name in compared.common_dirs:
        found += [f"{name}/{path}" for path in differences(left / name, right / name)]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if a committed copy is stale")
    args = parser.parse_args()
    text = render(build())
    if not args.check:
        DOCUMENT.parent.mkdir(parents=True, exist_ok=True)
        DOCUMENT.write_text(text)
        generate_client(DOCUMENT, CLIENT)
        print(f"wrote {DOCUMENT} and {CLIENT}")
        return
    if not DOCUMENT.exists() or DOCUMENT.read_text() != text:
        sys.exit(f"{DOCUMENT} is stale: run ./pants run scripts:api_document")
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / CLIENT.name
        generate_client(DOCUMENT, fresh)
        if stale := differences(CLIENT, fresh):
            sys.exit(
                f"{CLIENT} is stale ({', '.join(stale)}): run ./pants run scripts:api_document"
            )


if __name__ == "__main__":
    main()

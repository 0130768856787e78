"""What the README and docs/ state that the code can confirm: the services' ports and prefixes,
the endpoints of the REST API table, the numbers the API promises, the stack's and the edge's
defaults, and the variables they name.
Plain files and declarations (the apps are built, never started): part of the unit tier."""

import re
from pathlib import Path

from pydantic_settings import BaseSettings

from ticketing.auth import codes, passwords
from ticketing.auth.app import create_app as auth_app
from ticketing.auth.settings import AuthSettings
from ticketing.expiration.settings import ExpirationSettings
from ticketing.moderation.app import create_app as moderation_app
from ticketing.moderation.settings import ModerationSettings
from ticketing.orders.app import create_app as orders_app
from ticketing.orders.settings import OrdersSettings
from ticketing.payments.app import create_app as payments_app
from ticketing.payments.settings import PaymentsSettings
from ticketing.shared import messaging, requests
from ticketing.shared.services import SERVICES
from ticketing.stack import up
from ticketing.stack.edge_config import ROUTES, EdgeSettings
from ticketing.tickets import listing, rules
from ticketing.tickets.app import create_app as tickets_app
from ticketing.tickets.settings import TicketsSettings
from ticketing.web.settings import WebSettings

DOCS = [Path("README.md"), *sorted(Path("docs").glob("*.md"))]
SETTINGS: list[type[BaseSettings]] = [
    AuthSettings,
    TicketsSettings,
    OrdersSettings,
    PaymentsSettings,
    ExpirationSettings,
    ModerationSettings,
    WebSettings,
]
# Named in the docs but read by something else than our settings.
OTHERS = {"IMAGE_TAG", "PANTS_CONCURRENT", "TICKETING_SCREENSHOTS"}


def _readme() -> str:
    """The README with every run of white space made one space, as a reader reads it."""
    return " ".join(Path("README.md").read_text().split())


def test_the_service_table_gives_each_service_its_port_and_prefix() -> None:
    rows = re.findall(
        r"^\| (\w+) +\|[^|]*\| ([^|]+?) +\| (\d+) \|$", Path("README.md").read_text(), re.M
    )
    prefixes = {service: prefix for prefix, service in ROUTES.items()}
    assert [(name, int(port)) for name, _, port in rows] == list(SERVICES)
    for name, prefix, _ in rows:
        assert prefix.split()[0] == prefixes.get(name, "none"), name


def test_the_numbers_the_readme_states_are_the_code_s() -> None:
    fields = {**OrdersSettings.model_fields, **AuthSettings.model_fields}
    stated = [
        f"failing {messaging.MAX_ATTEMPTS} times",
        f"nested over {requests.JSON_DEPTH_MAX} deep",
        f"an `offset` over {requests.OFFSET_MAX:,}",
        f"a title search over {listing.SEARCH_MAX} characters",
        f"Ticket titles are 1 to {rules.TITLE_MAX} characters",
        f"price at least {rules.PRICE_MIN}",
        f"`TICKET_PRICE_CAP` ({rules.DEFAULT_CAP})",
        f"a password is {passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters",
        f"{len(passwords.common_passwords()):,} common passwords",
        f"`CODE_TTL_SECONDS` ({fields['code_ttl_seconds'].default // 60} minutes)",
        f"`ORDER_EXPIRATION_SECONDS` ({fields['order_expiration_seconds'].default})",
    ]
    readme = _readme()
    assert [phrase for phrase in stated if phrase not in readme] == []
    assert codes.MAX_ATTEMPTS == 5
    assert "five wrong codes" in readme


def test_every_variable_the_docs_name_is_one_that_is_read() -> None:
    known = {name.upper() for settings in SETTINGS for name in settings.model_fields}
    known |= {f"EDGE_{name.upper()}" for name in EdgeSettings.model_fields} | OTHERS
    named = {
        (str(doc), name)
        for doc in [*DOCS, Path(".env.example")]
        for name in re.findall(r"(?<![.\w])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", doc.read_text())
    }
    unknown = [
        (doc, name)
        for doc, name in sorted(named)
        if name not in known and not name.startswith("OTEL_")
    ]
    assert unknown == []


def _served() -> dict[tuple[str, str], set[str]]:
    """(method, path template with parameters as ``{}``) -> its query parameters, from the API
    services' OpenAPI documents. The apps are built, not started: no server is needed."""
    apps = [
        auth_app(AuthSettings(ticketing_profile="dev")),
        tickets_app(TicketsSettings(ticketing_profile="dev")),
        orders_app(OrdersSettings(ticketing_profile="dev")),
        payments_app(PaymentsSettings(ticketing_profile="dev", stripe_api_key="sk_test_standin")),
        moderation_app(ModerationSettings(ticketing_profile="dev")),
    ]
    served: dict[tuple[str, str], set[str]] = {}
    for app in apps:
        for path, item in (app.openapi_schema.paths or {}).items():
            for method in ("get", "put", "post", "delete"):
                if operation := getattr(item, method):
                    key = (method.upper(), re.sub(r"\{[^}]*\}", "{}", path))
                    served[key] = {
                        p.name for p in operation.parameters or [] if p.param_in == "query"
                    }
    return served


def _listed() -> list[tuple[str, str, set[str]]]:
    """(method, path template, query parameters) of every endpoint the README's REST API table
    names, its shorthand spelled out: ``/signin`` after ``POST /api/users/signup`` is
    ``POST /api/users/signin``, ``.../reject`` after ``GET /api/moderations/{id}`` is
    ``/api/moderations/{id}/reject``."""
    section = Path("README.md").read_text().split("## REST API", 1)[1].split("\n## ", 1)[0]
    listed, methods, last = [], ["GET"], ""
    for row in re.findall(r"^\| (`.*?) \| ", section, re.M):
        for given, path, query in re.findall(
            r"`(?:([A-Z/]+) )?((?:\.\.\.)?/[^`?\s]*)\??([^`]*)`", row
        ):
            methods = given.split("/") if given else methods
            if path.startswith("..."):
                path = last + path.removeprefix("...")
            elif not path.startswith("/api/"):
                path = last.rsplit("/", 1)[0] + path
            else:
                last = path
            names = set(re.findall(r"(\w+)=", query))
            listed += [(m, re.sub(r"\{[^}]*\}", "{}", path), names) for m in methods]
    return listed


def test_every_endpoint_the_readme_lists_is_served_with_the_parameters_it_names() -> None:
    served, listed = _served(), _listed()
    assert len(listed) > 30  # the table was read
    missing = [(m, path) for m, path, _ in listed if (m, path) not in served]
    assert missing == []
    unknown = [(m, path, names - served[m, path]) for m, path, names in listed]
    assert [entry for entry in unknown if entry[2]] == []


def _table(doc: str, header: str) -> list[list[str]]:
    """The rows of the table in ``doc`` whose header row starts with ``header``, cell by cell."""
    text = Path(doc).read_text().split(header, 1)[1]
    rows = []
    for line in text.splitlines()[2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip().strip("`") for cell in line.strip("|").split(" | ")])
    return rows


def test_the_stack_s_flags_and_the_edge_s_limits_default_as_local_stack_md_says() -> None:
    flags = vars(up.parse([]))
    for flag, default, _ in _table("docs/local-stack.md", "| flag | default |"):
        value = flags[flag.removeprefix("--").replace("-", "_")]
        shown = "off" if value is False else "0 (off)" if value == 0 else value
        assert default.strip("`") == str(shown), flag
    edge = EdgeSettings()
    for _, default, variables in _table("docs/local-stack.md", "| | default | variable |"):
        names = [v.strip(" `").removeprefix("EDGE_").lower() for v in variables.split(",")]
        values = [str(getattr(edge, name) or "none") for name in names]
        assert default.replace(" s", "") == ", ".join(values), variables

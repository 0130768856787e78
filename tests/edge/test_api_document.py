"""The public API document at the edge: served as committed, its reference page with assets
from this site only, and every operation keeping the document's contract through the edge
(schemathesis, as a signed-in caller)."""

from __future__ import annotations

import re
from uuid import uuid4

import httpx
import schemathesis

from ticketing.testing import contract
from ticketing.web.reference import DOCUMENT


def test_the_edge_serves_the_committed_document_and_its_reference_page(edge: str) -> None:
    client = httpx.Client(base_url=edge, timeout=30)
    document = client.get("/api/openapi.json")
    assert document.status_code == 200
    assert document.headers["content-type"].startswith("application/json")
    assert document.content == DOCUMENT.read_bytes()
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources
    assert all(source.startswith("/api/") for source in sources), sources  # no CDN
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert asset.content, source
    assert "SwaggerUIBundle" in client.get("/api/docs/assets/swagger-ui-bundle.js").text
    # Only the document and the page: the rest of /api is still the services' or nobody's.
    assert client.get("/api/openapi.yaml").status_code == 404
    assert client.get("/api/docsx").status_code == 404


def test_every_public_operation_keeps_the_documents_contract_through_the_edge(
    edge: str,
) -> None:
    account = {"email": f"contract-{uuid4().hex[:8]}@example.com", "password": contract.PASSWORD}
    answer = httpx.post(f"{edge}/api/users/signup", json=account, timeout=30)
    assert answer.status_code == 201, answer.text
    headers = {"Authorization": f"Bearer {answer.json()['token']}"}
    schema = schemathesis.openapi.from_url(f"{edge}/api/openapi.json")
    failures = contract.check_every_operation(schema, headers)
    assert failures == [], "\n\n".join(failures)

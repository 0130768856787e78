"""Conditional reads (RFC 9110, 8.8.3 and 13.1.2): an answer carries an ``ETag``, and a
caller whose ``If-None-Match`` names the current one gets a 304 without a body. A single
resource's tag is its document's version; a list page's names what the page shows, its entries'
ids and versions and whatever else it holds, such as the next page's cursor. A read handler
takes ``if_none_match: IfNoneMatch``, names ``responses=NOT_MODIFIED`` and answers
``tagged(view, version, if_none_match)`` (one resource) or ``conditional(page,
page_etag(...), if_none_match)`` (a page)."""

from __future__ import annotations

from collections.abc import Iterable
from hashlib import blake2b
from typing import Annotated, TypeVar

from litestar import Response
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter

T = TypeVar("T")

IfNoneMatch = Annotated[
    str | None,
    Parameter(
        header="If-None-Match",
        required=False,
        description="The ETag of a copy you hold: 304 without a body while it is current.",
    ),
]
NOT_MODIFIED = {
    304: ResponseSpec(
        data_container=None,
        description="Not Modified: the copy whose ETag you sent is current.",
        generate_examples=False,
    )
}


def etag(version: int) -> str:
    return f'"{version}"'


def page_etag(entries: Iterable[tuple[str, int]], *more: str | None) -> str:
    """A strong ETag for a page of ``entries`` (id, version) and ``more`` (None counts)."""
    digest = blake2b(digest_size=16)
    for entry_id, version in entries:
        digest.update(f"{entry_id}:{version};".encode())
    for part in more:
        digest.update(b"\x00" if part is None else f"|{part}".encode())
    return f'"{digest.hexdigest()}"'


def matches(if_none_match: str | None, current: str) -> bool:
    """Whether an If-None-Match names the current ETag (RFC 9110: weak comparison, or ``*``)."""
    given = [tag.strip().removeprefix("W/") for tag in (if_none_match or "").split(",")]
    return "*" in given or current in given


def conditional(content: T, current: str, if_none_match: str | None) -> Response[T | None]:
    """``content`` with its ETag, or 304 Not Modified (the ETag, no body) if the caller has it."""
    if matches(if_none_match, current):
        return Response(None, status_code=304, headers={"ETag": current})
    return Response(content, headers={"ETag": current})


def tagged(view: T, version: int, if_none_match: str | None) -> Response[T | None]:
    """One resource's answer, tagged with its document's version."""
    return conditional(view, etag(version), if_none_match)

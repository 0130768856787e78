"""ETags of list pages, and the conditional answer (RFC 9110, 8.8.3 and 13.1.2): a page's tag
names what it shows, its entries' ids and versions (a version moves with every change of an
entry) and whatever else it holds, such as the next page's cursor. A client or cache that
sends the tag back in ``If-None-Match`` gets 304 without the body while the page is the same."""

from __future__ import annotations

from collections.abc import Iterable
from hashlib import blake2b
from typing import Annotated, TypeVar

from litestar import Response
from litestar.params import HeaderParameter

T = TypeVar("T")

IfNoneMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-None-Match",
        description="the ETag of a copy the caller holds: 304 without a body if it is current",
    ),
]


def page_etag(entries: Iterable[tuple[str, int]], *more: str | None) -> str:
    """A strong ETag for a page of ``entries`` (id, version) and ``more`` (None counts)."""
    digest = blake2b(digest_size=16)
    for entry_id, version in entries:
        digest.update(f"{entry_id}:{version};".encode())
    for part in more:
        digest.update(b"\x00" if part is None else f"|{part}".encode())
    return f'"{digest.hexdigest()}"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (weak comparison, as the header asks)."""
    if if_none_match is None:
        return False
    tags = (tag.strip().removeprefix("W/") for tag in if_none_match.split(","))
    return any(tag in ("*", etag) for tag in tags)


def conditional(content: T, etag: str, if_none_match: str | None) -> Response[T]:
    """``content`` with its ETag, or 304 Not Modified (the ETag, no body) if the caller has it."""
    if matches(if_none_match, etag):
        return Response(None, status_code=304, headers={"ETag": etag})  # type: ignore[arg-type]
    return Response(content, headers={"ETag": etag})

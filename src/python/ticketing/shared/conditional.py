"""Conditional reads of a single resource: its answer carries an ``ETag`` made of the
document's version, and a caller whose ``If-None-Match`` names the current one gets a 304
without a body. A read handler takes ``if_none_match: IfNoneMatch``, names
``responses=NOT_MODIFIED`` and answers ``tagged(view, version, if_none_match)``."""

from __future__ import annotations

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
        max_length=1000,
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


def matches(if_none_match: str | None, current: str) -> bool:
    """Whether an If-None-Match names the current ETag (RFC 9110: weak comparison, or ``*``)."""
    given = [tag.strip().removeprefix("W/") for tag in (if_none_match or "").split(",")]
    return "*" in given or current in given


def tagged(view: T, version: int, if_none_match: str | None) -> Response[T | None]:
    current = etag(version)
    if matches(if_none_match, current):
        return Response(None, status_code=304, headers={"ETag": current})
    return Response(view, headers={"ETag": current})

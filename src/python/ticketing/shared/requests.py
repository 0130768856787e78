"""What every request must be before a handler sees it, and the bounds of common parameters.

Whatever breaks these is the caller's mistake, so it is a 400 (or 415) problem, never a 500
from deep inside a driver: a NUL byte in the path or query (MongoDB refuses it in keys and
patterns), a body not declared JSON, a body that is not UTF-8 JSON or is nested deeper than
any request of ours.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request
from litestar.params import QueryParameter

from ticketing.shared.problems import problem

OFFSET_MAX = 1_000_000  # deeper paging is a scan, not a use of the API; also within int64
Offset = Annotated[int, QueryParameter(ge=0, le=OFFSET_MAX, description="items to skip")]
Limit = Annotated[int, QueryParameter(ge=1, le=100, description="items to return")]
JSON_DEPTH_MAX = 32

_BODY_METHODS = {"POST", "PUT", "PATCH"}


def _is_json(media_type: str) -> bool:
    media_type = media_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of decoded JSON, stopping once it passes ``limit``."""
    if limit < 0 or not isinstance(value, dict | list):
        return 0
    children = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(child, limit - 1) for child in children), default=0)


# The pattern of a free-text query parameter: ``check_request`` refuses a NUL in the query.
NO_NUL = "^[^\x00]*$"


async def check_request(request: Request[Any, Any, Any]) -> None:
    """Runs before every handler (``before_request``)."""
    query = request.scope.get("query_string", b"")
    if "\x00" in request.url.path or b"%00" in query or b"\x00" in query:
        raise problem(400, "The path or query contains a NUL character.", "nul-character")
    if request.method not in _BODY_METHODS:
        return
    has_body = request.headers.get("content-length", "0") != "0" or (
        "transfer-encoding" in request.headers
    )
    if not has_body:
        return
    # A form or text/plain post from another site is refused, not carried out (browsers send
    # those cross-site without asking).
    if not _is_json(request.headers.get("content-type", "")):
        raise problem(415, "Send the body as JSON with Content-Type: application/json.")
    body = await request.body()
    try:
        # Python's own recursion limit would answer a deep enough body with a RecursionError.
        too_deep = _depth(msgspec.json.decode(body), JSON_DEPTH_MAX) > JSON_DEPTH_MAX
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        raise problem(400, "The body is not valid UTF-8 JSON.", "malformed-json") from None
    if too_deep:
        raise problem(
            400, f"The body is nested more than {JSON_DEPTH_MAX} levels deep.", "malformed-json"
        )

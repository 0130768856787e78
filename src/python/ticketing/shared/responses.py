"""How a service answers: a response body read off a document (``View``), and the session
cookie that the auth service and the web front end set."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Self

import msgspec
from bson import Decimal128
from litestar.datastructures import Cookie

from ticketing.shared.identity import SESSION_COOKIE


class View(msgspec.Struct):
    """A response body read off a document: each field from the attribute of the same name,
    nested objects likewise. A stored document as the driver returns it (a mapping with
    ``_id`` and BSON decimals) is read the same way, without building a model first."""

    @classmethod
    def of(cls, source: object) -> Self:
        if isinstance(source, Mapping):
            fields = {
                k: v.to_decimal() if isinstance(v, Decimal128) else v for k, v in source.items()
            }
            return msgspec.convert({"id": source["_id"], **fields}, cls)
        return msgspec.convert(source, cls, from_attributes=True)


def session_cookie(token: str, secure: bool, max_age: int | None = None) -> Cookie:
    """The session cookie (the API's and the web front end's): never readable by scripts,
    not sent on cross-site posts, HTTPS-only where ``secure``."""
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        httponly=True,
        samesite="lax",
        secure=secure,
        max_age=max_age,
        path="/",
    )


def ended_session_cookie() -> Cookie:
    """Tells the browser to drop the session cookie (signing out)."""
    return Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/")

"""The door page, for the door staff: paste or type a code, see at once whether to let its
holder in, big and clear."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.response import Template

from ticketing.web.api import Admission, ApiError
from ticketing.web.pages import Form, Me, page

# What a refusal at the door means, by the problem's rule (its detail says the rest).
REFUSALS = {
    "already-admitted": "Already used",
    "void-code": "Not valid: the ticket changed hands",
    "reserved": "Not valid: the ticket is being resold",
}


class ScanForm(msgspec.Struct):
    code: str = ""


class DoorPages(Controller):
    path = "/door"

    @get("/")
    async def door(self, me: Me) -> Template:
        return page("door.html", me.user, verdict=None)

    @post("/")
    async def scan(self, data: Annotated[ScanForm, Form], me: Me) -> Template:
        try:
            body = {"code": data.code.strip()}
            admitted = await me.api.call(
                "POST", "/api/tickets/admissions", me.token, Admission, json=body
            )
        except ApiError as exc:
            if exc.status not in (400, 404, 409):  # 403: not door staff, an error page
                raise
            headline = REFUSALS.get(str(exc.problem.get("rule")), "Not a valid ticket")
            verdict = {"admit": False, "headline": headline, "detail": exc.detail}
            return page("door.html", me.user, 200, verdict=verdict)
        assert admitted is not None
        return page(
            "door.html", me.user, verdict={"admit": True, "headline": "Admit", "ticket": admitted}
        )

"""The moderation queue, for members of the admin group: approve or reject what screening held."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from ticketing.web.api import Case
from ticketing.web.pages import Form, Me, page


class RejectForm(msgspec.Struct):
    reason: str = ""


class ModerationPages(Controller):
    path = "/moderation"

    @get("/")
    async def queue(self, me: Me) -> Template:
        query = {"status": "review"}
        cases = await me.api.get("/api/moderations", me.token, list[Case], params=query)
        return page("moderation.html", me.user, cases=cases)

    @post("/{case_id:str}/approve")
    async def approve(self, case_id: FromPath[str], me: Me) -> Redirect:
        await me.api.call("POST", f"/api/moderations/{case_id}/approve", me.token)
        return Redirect("/moderation", status_code=303)

    @post("/{case_id:str}/reject")
    async def reject(
        self, case_id: FromPath[str], data: Annotated[RejectForm, Form], me: Me
    ) -> Redirect:
        body = {"reason": data.reason}
        await me.api.call("POST", f"/api/moderations/{case_id}/reject", me.token, json=body)
        return Redirect("/moderation", status_code=303)

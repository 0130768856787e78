"""HTTP API of the moderation service: /api/moderations, for members of the admin group."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar

import msgspec
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from ticketing.moderation import use_cases
from ticketing.moderation.models import CaseStatus
from ticketing.shared.conditional import NOT_MODIFIED, IfNoneMatch, tagged
from ticketing.shared.guards import member_of
from ticketing.shared.identity import Principal
from ticketing.shared.permissions import ADMIN_GROUP
from ticketing.shared.platform import Platform
from ticketing.shared.problems import problems
from ticketing.shared.requests import Limit, Offset
from ticketing.shared.responses import View


class Rejection(msgspec.Struct, forbid_unknown_fields=True):
    EXAMPLE: ClassVar = {"reason": "The title names no event."}
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class CaseOut(View):
    id: str
    ticket_id: str
    ticket_version: int
    title: str
    status: CaseStatus
    reason: str | None
    category_scores: dict[str, float]
    decided_by: str | None
    created_at: datetime
    decided_at: datetime | None


class ModerationsController(Controller):
    path = "/api/moderations"
    tags = ["moderation"]
    guards = [member_of(ADMIN_GROUP)]  # every handler: the admin group only

    @get("/", operation_id="listModerationCases", responses=problems(403))
    async def search(
        self,
        platform: NamedDependency[Platform],
        status: FromQuery[CaseStatus | None] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> list[CaseOut]:
        """Moderation cases, oldest first, optionally only those with ``status``."""
        found = await use_cases.search(platform, status, limit, offset)
        return [CaseOut.of(case) for case in found]

    @get(
        "/{case_id:str}",
        operation_id="getModerationCase",
        responses={**problems(403, 404), **NOT_MODIFIED},
    )
    async def read(
        self,
        case_id: FromPath[str],
        platform: NamedDependency[Platform],
        if_none_match: IfNoneMatch = None,
    ) -> Response[CaseOut | None]:
        case = await use_cases.get(platform, case_id)
        return tagged(CaseOut.of(case), case.version, if_none_match)

    @post(
        "/{case_id:str}/approve",
        operation_id="approveModerationCase",
        status_code=200,
        responses=problems(403, 404, 409),
    )
    async def approve(
        self,
        case_id: FromPath[str],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
    ) -> CaseOut:
        """Approve a case that is pending or under review; 409 once decided."""
        case = await use_cases.rule(platform, case_id, user.id, approve=True, reason=None)
        return CaseOut.of(case)

    @post(
        "/{case_id:str}/reject",
        operation_id="rejectModerationCase",
        status_code=200,
        responses=problems(403, 404, 409),
    )
    async def reject(
        self,
        case_id: FromPath[str],
        data: JSONBody[Rejection],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
    ) -> CaseOut:
        """Reject a case with a reason the seller will see; 409 once decided."""
        case = await use_cases.rule(platform, case_id, user.id, approve=False, reason=data.reason)
        return CaseOut.of(case)

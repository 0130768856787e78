"""HTTP API of the door: admissions (for the door staff) and the keys that verify codes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

import msgspec
from litestar import Controller, MediaType, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from ticketing.shared.guards import member_of
from ticketing.shared.permissions import DOOR_GROUP
from ticketing.shared.platform import Platform
from ticketing.shared.problems import problems
from ticketing.shared.responses import View
from ticketing.tickets import use_cases
from ticketing.tickets.codes import CodeKeys


class Scan(msgspec.Struct, forbid_unknown_fields=True):
    EXAMPLE: ClassVar = {"code": "eyJhbGciOiJFZERTQSIsImtpZCI6IjIwMjctMDEifQ.eyJ0IjoidDEifQ.c2ln"}
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=2000, description="as shown")]


class AdmissionOut(View):
    id: Annotated[str, msgspec.Meta(description="the ticket")]
    title: str
    user_id: Annotated[str, msgspec.Meta(description="its holder, let in")]
    event_starts_at: datetime | None
    venue: str | None
    admitted_at: datetime


class AdmissionsController(Controller):
    path = "/api/tickets/admissions"
    tags = ["door"]
    guards = [member_of(DOOR_GROUP)]

    @post("/", operation_id="admitTicket", status_code=200, responses=problems(403, 404, 409))
    async def admit(
        self,
        data: JSONBody[Scan],
        platform: NamedDependency[Platform],
        keys: NamedDependency[CodeKeys],
    ) -> AdmissionOut:
        """Admit the holder of a code: once, and only with the current holder's code. 409 with
        `rule`: already-admitted (and `admitted_at`), void-code (the ticket changed hands) or
        reserved; 400 for a code that is not ours."""
        return AdmissionOut.of(await use_cases.admit(platform, keys, data.code))


@get(
    "/api/tickets/.well-known/jwks.json",
    operation_id="getCodeKeys",
    media_type=MediaType.JSON,
    tags=["door"],
)
async def published_keys(keys: NamedDependency[CodeKeys]) -> dict[str, Any]:
    """The public keys that verify ticket codes (a JSON Web Key Set, Ed25519): a code is a
    compact JWS whose payload names the ticket (`t`), its holder (`h`) and version (`v`)."""
    return keys.published()

"""HTTP API of one's own account: /api/users/me (profile, password, sessions)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from ticketing.auth import flows, passwords
from ticketing.auth.accounts import AccountsPort, Profile, SessionInfo
from ticketing.auth.routes import Email, Password
from ticketing.shared.errors import NotFound
from ticketing.shared.guards import credentials, signed_in
from ticketing.shared.identity import Principal
from ticketing.shared.problems import problems
from ticketing.shared.responses import ended_session_cookie

Name = Annotated[str, msgspec.Meta(max_length=100)]


class ProfileIn(msgspec.Struct, forbid_unknown_fields=True):
    EXAMPLE: ClassVar = {"email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace"}
    email: Email
    first_name: Name = ""
    last_name: Name = ""


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True):
    EXAMPLE: ClassVar = {
        "current_password": "correct horse battery",
        "new_password": "a new horse battery",
    }
    current_password: str
    new_password: Password


def session_token(request: Request[Any, Any, Any]) -> str:
    """The session token of the request (the controller's guard has checked it is live)."""
    return credentials(request).token or ""


Token = NamedDependency[str]
Accounts = NamedDependency[AccountsPort]


class AccountController(Controller):
    path = "/api/users/me"
    tags = ["account"]
    cache_control = CacheControlHeader(no_store=True)
    guards = [signed_in]  # every handler: the account's own user only
    dependencies = {"token": Provide(session_token, sync_to_thread=False)}

    @get("/", operation_id="getProfile")
    async def profile(
        self,
        token: Token,
        accounts: Accounts,
    ) -> Profile:
        """The signed-in user's email (and whether it is verified) and name."""
        return await flows.profile_of(accounts, token)

    @put("/", operation_id="updateProfile", responses=problems(403, 409))
    async def change_profile(
        self,
        data: JSONBody[ProfileIn],
        token: Token,
        accounts: Accounts,
    ) -> Profile:
        """Change the email (it needs verifying again: a code goes to it; 409 if another
        account has it) and the optional first and last name (at most 100 characters each).
        With Ory Kratos, changing the email needs a recent sign-in (else 403: sign in again)."""
        return await flows.change_profile(
            accounts, token, data.email, data.first_name, data.last_name
        )

    @post(
        "/password",
        operation_id="changePassword",
        status_code=204,
        description=f"Password rules: {passwords.RULES}.",
    )
    async def change_password(
        self,
        data: JSONBody[PasswordChange],
        user: NamedDependency[Principal],
        token: Token,
        accounts: Accounts,
    ) -> None:
        """Change the password; the current one is required (400 naming `current_password`
        when wrong). Every other session of the account ends."""
        await flows.change_password(
            accounts, token, user.email, data.current_password, data.new_password
        )

    @get("/sessions", operation_id="listSessions")
    async def sessions(
        self,
        token: Token,
        accounts: Accounts,
    ) -> list[SessionInfo]:
        """The account's live sessions, the current one first."""
        return await accounts.sessions(token)

    @delete(
        "/sessions/{session_id:str}",
        operation_id="endSession",
        status_code=204,
        responses=problems(404),
    )
    async def end_session(
        self,
        session_id: FromPath[str],
        token: Token,
        accounts: Accounts,
    ) -> None:
        """End one of the account's sessions; 404 if it has no such session."""
        if not await accounts.end_session(token, session_id):
            raise NotFound("you have no session with this id")

    @delete(
        "/sessions",
        operation_id="endAllSessions",
        status_code=204,
        response_cookies=[ended_session_cookie()],
    )
    async def end_sessions(
        self,
        token: Token,
        accounts: Accounts,
    ) -> None:
        """Sign out everywhere: every session of the account ends, this one included."""
        await accounts.end_sessions(token)

"""The auth use cases on in-memory fakes: signing up (an outage after the account exists is not
an error), signing in (no hint which part was wrong, counted failures, a second factor, a
verified address where one is required), signing out. No server starts here."""

from dataclasses import dataclass

import pytest

from ticketing.auth import use_cases
from ticketing.auth.models import User
from ticketing.auth.rules import WRONG_FACTOR_CODE
from ticketing.shared.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    TooManyRequests,
    Unauthenticated,
)
from ticketing.shared.identity import Credentials
from ticketing.testing.fake_accounts import (
    FakeFactors,
    FakeIdentity,
    FakeRegistrations,
    FakeThrottle,
)
from ticketing.testing.fakes import InMemoryStore, offline

PASSWORD = "correct horse battery staple"
HERE = "192.0.2.1"


@dataclass
class World:
    auth: use_cases.Accounts
    store: InMemoryStore
    identity: FakeIdentity
    registrations: FakeRegistrations
    factors: FakeFactors
    throttle: FakeThrottle


def world(identity: FakeIdentity | None = None) -> World:
    identity = identity or FakeIdentity()
    store, registrations = InMemoryStore(), FakeRegistrations(identity)
    factors, throttle = FakeFactors(), FakeThrottle()
    auth = use_cases.Accounts(store, identity, registrations, factors, throttle)
    return World(auth, store, identity, registrations, factors, throttle)


@pytest.fixture
async def w() -> World:
    await offline(User)
    return world()


async def test_signing_up_records_the_user_once_mails_the_code_and_signs_in(w: World) -> None:
    principal, session = await use_cases.sign_up(w.auth, " Ada@Example.com ", PASSWORD, False)
    assert principal.email == "ada@example.com"  # the address as the rules normalise it
    assert session is not None
    assert w.identity.sessions[session.token] == principal
    assert w.registrations.registered_flows == {"ada@example.com": None}
    [user] = await w.store.find(User)
    assert (user.id, user.email) == (principal.id, "ada@example.com")
    await use_cases.remember(w.store, principal)  # a repeat (the Kratos webhook) adds nothing
    assert len(await w.store.find(User)) == 1


async def test_a_provider_that_opens_no_session_at_registration_is_signed_in_after() -> None:
    await offline(User)
    w = world(FakeIdentity(opens_sessions=False))
    _, session = await use_cases.sign_up(w.auth, "ada@example.com", PASSWORD, False)
    assert session is not None
    assert session.token in w.identity.sessions


async def test_where_sign_in_needs_a_verified_address_sign_up_opens_no_session(w: World) -> None:
    _, session = await use_cases.sign_up(w.auth, "ada@example.com", PASSWORD, True)
    assert session is None
    assert w.identity.sessions == {}


async def test_a_taken_email_is_a_conflict_naming_the_field(w: World) -> None:
    await use_cases.sign_up(w.auth, "ada@example.com", PASSWORD, False)
    with pytest.raises(Conflict) as taken:
        await use_cases.sign_up(w.auth, "ADA@example.com", PASSWORD, False)
    assert taken.value.extra["field"] == "email"


async def test_a_bad_password_is_refused_before_anything_is_registered(w: World) -> None:
    with pytest.raises(InvalidInput):
        await use_cases.sign_up(w.auth, "ada@example.com", "short", False)
    assert w.identity.passwords == {}
    assert await w.store.find(User) == []


class MailServerDown(FakeRegistrations):
    async def registered(self, email: str, verification_flow: str | None) -> None:
        raise ConnectionRefusedError(111, "Connection refused")


async def test_an_outage_after_the_account_exists_answers_created_and_sign_in_completes_it(
    w: World,
) -> None:
    down = use_cases.Accounts(
        w.store, w.identity, MailServerDown(w.identity), w.factors, w.throttle
    )
    principal, session = await use_cases.sign_up(down, "ada@example.com", PASSWORD, False)
    assert session is None  # created, and told so: no session yet, no error
    session, needs_code = await use_cases.sign_in(w.auth, "ada@example.com", PASSWORD, HERE, False)
    assert (session.principal, needs_code) == (principal, False)
    assert [user.id for user in await w.store.find(User)] == [principal.id]


async def test_a_failure_that_is_not_an_outage_still_fails(w: World) -> None:
    class Broken(FakeRegistrations):
        async def registered(self, email: str, verification_flow: str | None) -> None:
            raise RuntimeError("a bug")

    broken = use_cases.Accounts(w.store, w.identity, Broken(w.identity), w.factors, w.throttle)
    with pytest.raises(RuntimeError, match="a bug"):
        await use_cases.sign_up(broken, "ada@example.com", PASSWORD, False)


async def test_a_wrong_password_and_an_unknown_address_get_one_answer_and_count(
    w: World,
) -> None:
    await use_cases.sign_up(w.auth, "ada@example.com", PASSWORD, False)
    answers = []
    for email, password in (("ada@example.com", "wrong password"), ("nobody@x.org", PASSWORD)):
        with pytest.raises(Unauthenticated) as refused:
            await use_cases.sign_in(w.auth, email, password, HERE, False)
        answers.append(str(refused.value))
    assert answers == ["wrong email or password"] * 2
    assert w.throttle.failures == {"ada@example.com": 1, "nobody@x.org": 1}


async def test_a_locked_account_is_refused_even_with_the_right_password(w: World) -> None:
    await use_cases.sign_up(w.auth, "ada@example.com", PASSWORD, False)
    for _ in range(w.throttle.limit):
        with pytest.raises(Unauthenticated):
            await use_cases.sign_in(w.auth, "ada@example.com", "wrong password", HERE, False)
    with pytest.raises(TooManyRequests):
        await use_cases.sign_in(w.auth, "ada@example.com", PASSWORD, HERE, False)


async def test_with_a_second_factor_the_password_opens_a_session_that_waits_for_the_code(
    w: World,
) -> None:
    await use_cases.sign_up(w.auth, "ada@example.com", PASSWORD, False)
    w.factors.codes["ada@example.com"] = "123456"
    session, needs_code = await use_cases.sign_in(w.auth, "ada@example.com", PASSWORD, HERE, False)
    assert needs_code
    assert w.throttle.awaiting == {session.token: "ada@example.com"}
    with pytest.raises(Forbidden, match=WRONG_FACTOR_CODE):
        await use_cases.complete_sign_in(w.auth, session.token, "000000", HERE, False)
    assert w.throttle.failures["ada@example.com"] == 1  # a wrong code is a failed sign-in
    token = await use_cases.complete_sign_in(w.auth, session.token, "123456", HERE, False)
    assert token == session.token
    assert w.throttle.failures["ada@example.com"] == 0
    with pytest.raises(Conflict, match="needs no code"):
        await use_cases.complete_sign_in(w.auth, token, "123456", HERE, False)


async def test_completing_a_sign_in_needs_its_session(w: World) -> None:
    with pytest.raises(Unauthenticated, match="password first"):
        await use_cases.complete_sign_in(w.auth, None, "123456", HERE, False)


async def test_an_unverified_address_is_refused_after_the_right_password_and_signed_out(
    w: World,
) -> None:
    await use_cases.sign_up(w.auth, "ada@example.com", PASSWORD, True)
    with pytest.raises(Forbidden) as refused:
        await use_cases.sign_in(w.auth, "ada@example.com", PASSWORD, HERE, True)
    assert refused.value.extra["rule"] == "verified-email"
    assert w.identity.sessions == {}  # the session the password opened is ended
    w.registrations.verified.add("ada@example.com")
    session, _ = await use_cases.sign_in(w.auth, "ada@example.com", PASSWORD, HERE, True)
    assert session.token in w.identity.sessions


async def test_signing_out_ends_the_session(w: World) -> None:
    _, session = await use_cases.sign_up(w.auth, "ada@example.com", PASSWORD, False)
    assert session is not None
    await use_cases.sign_out(w.identity, session.token)
    assert await w.identity.authenticate(Credentials(token=session.token)) is None
    await use_cases.sign_out(w.identity, None)  # no session: nothing to do, no error

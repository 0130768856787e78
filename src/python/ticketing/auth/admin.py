"""Grant or revoke membership of the admin group, by email:

    ./pants run src/python/ticketing/auth:admin -- grant someone@example.com
    ./pants run src/python/ticketing/auth:admin -- revoke someone@example.com

Admins are the members of ``Group:admin`` in the permission model (embedded engine or Keto,
whichever the settings choose), so granting is writing one relation tuple.
"""

from __future__ import annotations

import argparse
import asyncio

from ticketing.auth.models import User
from ticketing.auth.settings import AuthSettings
from ticketing.shared.errors import NotFound
from ticketing.shared.permissions import ADMIN_GROUP, RelationTuple
from ticketing.shared.platform import Platform
from ticketing.shared.settings import load


async def change_membership(platform: Platform, action: str, email: str) -> str:
    user = await User.find_one(User.email == email.strip().lower())
    if user is None:
        raise NotFound(f"no user with email {email}; they must sign up first")
    membership = [RelationTuple("Group", ADMIN_GROUP, "members", user.id)]
    if action == "grant":
        await platform.permissions.write(membership)
    else:
        await platform.permissions.delete(membership)
    return user.id


async def run(action: str, email: str, settings: AuthSettings) -> str:
    platform = Platform("auth", settings, [User])
    await platform.open_stores()
    try:
        return await change_membership(platform, action, email)
    finally:
        await platform.db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Grant or revoke admin group membership.")
    parser.add_argument("action", choices=["grant", "revoke"])
    parser.add_argument("email")
    args = parser.parse_args()
    try:
        user_id = asyncio.run(run(args.action, args.email, load(AuthSettings)))
    except NotFound as exc:
        raise SystemExit(f"admin: {exc}") from None
    done = "is now a member of" if args.action == "grant" else "is no longer a member of"
    print(f"{args.email} ({user_id}) {done} Group:{ADMIN_GROUP}")


if __name__ == "__main__":
    main()

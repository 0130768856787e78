"""Grant or revoke membership of a group (admin: moderation; door: admissions), by email:

    ./pants run src/python/ticketing/auth:admin -- grant someone@example.com
    ./pants run src/python/ticketing/auth:admin -- grant someone@example.com --group door
    ./pants run src/python/ticketing/auth:admin -- revoke someone@example.com

Against the local stack it reads the settings stack:up wrote to .stack/stack.env (the
environment wins); elsewhere it reads the service's own variables, as auth does.

Admins are the members of ``Group:admin`` in the permission model (embedded engine or Keto,
whichever the settings choose), door staff of ``Group:door``, so granting is writing one
relation tuple.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from ticketing.auth.models import User
from ticketing.auth.settings import AuthSettings
from ticketing.shared.errors import NotFound
from ticketing.shared.permissions import ADMIN_GROUP, GROUPS, RelationTuple
from ticketing.shared.platform import Platform
from ticketing.shared.settings import load


async def change_membership(
    platform: Platform, action: str, email: str, group: str = ADMIN_GROUP
) -> str:
    user = await User.find_one(User.email == email.strip().lower())
    if user is None:
        raise NotFound(f"no user with email {email}; they must sign up first")
    membership = [RelationTuple("Group", group, "members", user.id)]
    if action == "grant":
        await platform.permissions.write(membership)
    else:
        await platform.permissions.delete(membership)
    return user.id


async def run(action: str, email: str, group: str, settings: AuthSettings) -> str:
    platform = Platform("auth", settings, [User])
    await platform.open_stores()
    try:
        return await change_membership(platform, action, email, group)
    finally:
        await platform.db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Grant or revoke a group's membership.")
    parser.add_argument("action", choices=["grant", "revoke"])
    parser.add_argument("email")
    parser.add_argument("--group", choices=GROUPS, default=ADMIN_GROUP)
    parser.add_argument(
        "--stack-env",
        type=Path,
        default=Path(".stack/stack.env"),
        help="settings of the local stack (written by stack:up), used where the environment"
        " sets nothing else; ignored if the file does not exist",
    )
    args = parser.parse_args()
    env_file = args.stack_env if args.stack_env.is_file() else None
    if env_file:
        print(f"admin: the local stack's settings from {env_file}", file=sys.stderr)
    try:
        settings = load(AuthSettings, env_file)
        user_id = asyncio.run(run(args.action, args.email, args.group, settings))
    except NotFound as exc:
        raise SystemExit(f"admin: {exc}") from None
    done = "is now a member of" if args.action == "grant" else "is no longer a member of"
    print(f"{args.email} ({user_id}) {done} Group:{args.group}")


if __name__ == "__main__":
    main()

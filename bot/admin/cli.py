"""`run_bot.py admin add-user NAME --role ...`: console accounts from a terminal (the first one too)."""
from __future__ import annotations

import getpass
import os
import sys


def add_user(args, db) -> int:
    from bot.admin.audit import Audit
    from bot.admin.users import Users
    if args.password_env:
        password = os.environ.get(args.password_env, "")
        if not password:
            print(f"environment variable {args.password_env} is empty or not set", file=sys.stderr)
            return 2
    else:
        password = getpass.getpass("password: ")
        if password != getpass.getpass("again: "):
            print("the passwords differ", file=sys.stderr)
            return 2
    communities = [c for part in (args.community or []) for c in part.replace("，", ",").split(",") if c]
    try:
        user = Users(db).add(args.name, args.role, password, communities)
    except ValueError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    Audit(db).record("cli", "add user", f"user:{user.name}", None, {"role": user.role, "communities": user.communities})
    print(f"console user {user.name} ({user.role}{': ' + ', '.join(user.communities) if user.communities else ''}) saved")
    return 0


def register(sub, needs_database) -> None:
    a = sub.add_parser("admin", help="web console accounts")
    asub = a.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    add = asub.add_parser("add-user", help="add a console user, or reset an existing one's password and role")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=("operator", "staff", "admin"))
    add.add_argument("--community", action="append", help="community id a staff user looks after (repeatable)")
    add.add_argument("--password-env", help="read the password from this environment variable instead of a prompt")
    add.set_defaults(func=lambda args, cfg: add_user(args, needs_database(cfg)))

"""The ``ohsteward`` console script: Django's management commands plus the project's own.

``ohsteward demo`` and ``ohsteward synth`` run in demo mode (a generated secret key kept in the
data directory); every other command reads its settings from the environment only.

Asking for help (``ohsteward``, ``ohsteward --help``, ``ohsteward help [COMMAND]``,
``ohsteward COMMAND --help``) needs no configuration: such a run only prints the usage, so it gets
a throwaway secret key for this one process. Every other command in production mode still
refuses to start without ``OHSTEWARD_SECRET_KEY``.
"""

from __future__ import annotations

import os
import secrets
import sys

DEMO_COMMANDS = {"demo"}
HELP_FLAGS = {"-h", "--help"}


def is_help_request(args: list[str]) -> bool:
    """Whether the command line (without the program name) only asks for help or the version."""
    if not args or args[0] in {"help", "--version"} or args[0] in HELP_FLAGS:
        return True
    # `ohsteward COMMAND … --help`: argparse prints the usage and exits before the command runs;
    # anything after a bare `--` is an argument, not a flag
    head = args[: args.index("--")] if "--" in args else args
    return any(arg in HELP_FLAGS for arg in head)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohsteward.settings")
    if len(argv) > 1 and argv[1] in DEMO_COMMANDS:
        os.environ.setdefault("OHSTEWARD_DEMO", "1")
    if is_help_request(argv[1:]) and not os.environ.get("OHSTEWARD_SECRET_KEY"):
        # only this process sees the key, and it only prints help (nothing is signed or stored)
        os.environ["OHSTEWARD_SECRET_KEY"] = "help-only-" + secrets.token_urlsafe(40)
    if is_help_request(argv[1:]) and not os.environ.get("OHSTEWARD_FIELD_KEY"):
        # the same for the field-encryption key: help neither encrypts nor decrypts anything
        os.environ["OHSTEWARD_FIELD_KEY"] = "help-only-" + secrets.token_urlsafe(32)
    # `ohsteward import enterprises FILE` and `ohsteward user add …` read better than Django's
    # one-word command names; map the two-word forms onto the commands.
    if len(argv) > 2 and argv[1] in {"import", "user", "token"}:
        argv = [argv[0], f"{argv[1]}_{argv[2]}", *argv[3:]]
    # `ohsteward hazard-list …` is the `hazard_list` command
    if len(argv) > 1 and not argv[1].startswith("-") and "-" in argv[1]:
        argv[1] = argv[1].replace("-", "_")
    # local: Django is loaded only after --help is answered, so help works unconfigured (issue 7 item 7)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        # a configuration error is the operator's to fix: the reason, not a traceback
        sys.stderr.write(f"ohsteward: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":  # pragma: no cover
    main()

"""The ``ohsteward`` console script: Django's management commands plus the project's own.

``ohsteward demo`` and ``ohsteward synth`` run in demo mode (a generated secret key kept in the
data directory); every other command reads its settings from the environment only.
"""

from __future__ import annotations

import os
import sys

DEMO_COMMANDS = {"demo"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohsteward.settings")
    if len(argv) > 1 and argv[1] in DEMO_COMMANDS:
        os.environ.setdefault("OHSTEWARD_DEMO", "1")
    # `ohsteward import enterprises FILE` and `ohsteward user add …` read better than Django's
    # one-word command names; map the two-word forms onto the commands.
    if len(argv) > 2 and argv[1] in {"import", "user", "token"}:
        argv = [argv[0], f"{argv[1]}_{argv[2]}", *argv[3:]]
    # `ohsteward hazard-list …` is the `hazard_list` command
    if len(argv) > 1 and not argv[1].startswith("-") and "-" in argv[1]:
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":  # pragma: no cover
    main()

"""'Today' is the date in Chongqing (settings.TIME_ZONE), read through ``timezone.localdate()``;
``date.today()`` on a UTC server is yesterday between 00:00 and 08:00 local time: a record dated
today was refused as 晚于今天 and a test's "tomorrow" was today (the CI failure of 2026-12-02).
Code and tests use ``django.utils.timezone.localdate()``."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2]


def test_nothing_reads_the_servers_date_instead_of_the_local_one():
    offenders = [
        f"{path.relative_to(SRC)}:{n}"
        for path in SRC.rglob("*.py")
        if path.name != "test_today_policy.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bdate\.today\(\)|\bdatetime\.now\(\)\.date\(\)", line)
    ]
    assert offenders == [], "use django.utils.timezone.localdate(): " + ", ".join(offenders)

"""Every date field renders its value in ISO form: a ``forms.DateInput`` built in an app renders the
zh-hans format (2026/12/02), which a browser's date input cannot show, so an edit form comes up
empty. Apps use ``core.widgets.DateInput``."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2]


def test_no_app_builds_its_own_date_input():
    offenders = [
        f"{path.relative_to(SRC)}:{n}"
        for path in SRC.rglob("*.py")
        if "tests" not in path.parts and path.name != "widgets.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bforms\.DateInput\(", line)
    ]
    assert offenders == [], "use ohsteward.core.widgets.DateInput: " + ", ".join(offenders)

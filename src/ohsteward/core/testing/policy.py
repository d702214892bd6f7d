"""What the source-reading policy tests (core/tests/test_imports_policy.py,
accounts/tests/test_access_policy.py) leave out while other engineers rewrite it.

TEMPORARY (integrator: remove each entry once the branch that rewrites the file has merged and the
file passes both policy tests; then remove this module).
"""

from __future__ import annotations

BEING_REWRITTEN = {
    "intake/views.py",
    "intake/tables.py",
    "intake/forms.py",
    "declarations/views.py",
    "declarations/tables.py",
    "declarations/forms.py",
}
BEING_REWRITTEN_PACKAGES = ("declarations/views/", "intake/views/")


def being_rewritten(rel: str) -> bool:
    """Whether ``rel`` (a path relative to src/ohsteward, with /) is being rewritten elsewhere."""
    return rel in BEING_REWRITTEN or rel.startswith(BEING_REWRITTEN_PACKAGES)

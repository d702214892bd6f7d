from __future__ import annotations

import pytest


@pytest.fixture
def ingest(db):
    """Call ``batch_ingest`` with an in-memory file built from headers and rows."""
    from ohsteward.intake.actions import batch_ingest
    from ohsteward.intake.tests.factories import xlsx_bytes

    def run(kind, headers, rows, *, user=None, filename="名单.xlsx", **kwargs):
        return batch_ingest(
            user=user, kind=kind, filename=filename, content=xlsx_bytes(headers, rows), **kwargs
        )

    return run

"""Pure checks of a library entry (no Django imports)."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath

# the full text of a law or standard: PDF or Office documents (as the steward evidence, 000 五(四))
FILE_SUFFIXES = frozenset({".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ofd", ".txt"})
FILE_MAX_MB = 20


def file_error(name: str, size: int) -> str | None:
    """Why an uploaded full text is refused (Chinese), or None."""
    suffix = PurePosixPath(name or "").suffix.lower()
    if suffix not in FILE_SUFFIXES:
        return f"{name}：只能上传 PDF、OFD、Word、Excel 或文本文件"
    if size > FILE_MAX_MB * 1024 * 1024:
        return f"{name}：文件超过 {FILE_MAX_MB} MB"
    return None


def status_error(status: str, repealed_on: dt.date | None, effective_on: dt.date | None) -> str | None:
    """Nothing stops applying before it started (a 现行 entry may carry the announced date its
    replacement takes over)."""
    if repealed_on and effective_on and repealed_on < effective_on:
        return "废止日期不能早于施行日期"
    return None

"""Form widgets every app uses."""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """``<input type="date">`` with its value always in ISO form (YYYY-MM-DD).

    Browsers only accept ISO dates in a date input; Django would otherwise render the active
    locale's format (zh-hans: ``2026/12/02``) and the field shows empty.
    """

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")

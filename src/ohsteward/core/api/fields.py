"""Serializer fields shared by the API apps."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from ohsteward.core import cells


class PlausibleDateField(serializers.DateField):
    """A date checked by the importers' rule (``core.cells.date_error``): not before 1949 and, with
    ``past_only`` (the default), not after today. 0001-01-01 is refused here as in a spreadsheet."""

    def __init__(self, *, past_only: bool = True, **kwargs):
        self.past_only = past_only
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        result = super().to_internal_value(value)
        message = cells.date_error(result, today=timezone.localdate() if self.past_only else None)
        if message:
            raise serializers.ValidationError(message)
        return result

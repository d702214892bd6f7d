"""Request body parsers: DRF's, with a deeply nested JSON body answered as 400 (issue 6 item 9)."""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body nested deeper than the interpreter's recursion limit (a few
    thousand ``[``) makes ``json.loads`` raise ``RecursionError``, which would be a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON 格式错误：嵌套层数过深") from None


DEFAULT = [JSONParser, parsers.FormParser, parsers.MultiPartParser]

"""Error bodies in Chinese, with DRF's field errors kept as they are.

Django's ``ValidationError`` and ``PermissionDenied`` raised by actions are translated here, once,
so viewsets call actions without try/except.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    if isinstance(exc, DjangoPermissionDenied):
        # actions raise Django's PermissionDenied with a Chinese reason: keep it (DRF's default
        # handler would answer its generic 403 text instead)
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("对象不存在或不在您的管辖范围内")
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.NotAuthenticated):
        response.data = {"detail": "需要登录或提供 API 令牌（Authorization: Bearer <令牌>）"}
    return response

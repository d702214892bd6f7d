"""One-time form tokens: a form sent twice creates one thing (issue 6 item 11).

In the template: ``{% load submissions %}`` and ``{% submission_token %}`` inside the form. In the
view that creates something::

    try:
        submission = submissions.claim(request)
    except submissions.Repeated as repeated:
        return submissions.repeated_response(request, repeated, fallback="…")
    … create; on a validation error: submissions.release(submission) …
    submissions.done(submission, url)

A POST without a token (an API client, an old page) is handled as before.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from ohsteward.core.models import FormSubmission

FIELD = "submission_token"
KEEP = dt.timedelta(days=1)


class Repeated(Exception):  # noqa: N818 - a flow signal, not an error
    def __init__(self, result_url: str):
        super().__init__(result_url)
        self.result_url = result_url


def new_token() -> str:
    return secrets.token_urlsafe(16)


def claim(request: HttpRequest) -> FormSubmission | None:
    """Take the form's token for this submit; ``Repeated`` when it was taken before."""
    token = (request.POST.get(FIELD) or "")[:64]
    if not token or not request.user.is_authenticated:
        return None
    FormSubmission.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(user=request.user, token=token)
    except IntegrityError:
        earlier = FormSubmission.objects.filter(user=request.user, token=token).first()
        raise Repeated(earlier.result_url if earlier else "") from None


def done(submission: FormSubmission | None, url: str) -> None:
    if submission is not None:
        FormSubmission.objects.filter(pk=submission.pk).update(result_url=url[:300])


def release(submission: FormSubmission | None) -> None:
    """The submit failed (validation): the corrected form may be sent with the same token."""
    if submission is not None:
        FormSubmission.objects.filter(pk=submission.pk).delete()


def repeated_response(request: HttpRequest, repeated: Repeated, *, fallback: str) -> HttpResponse:
    if repeated.result_url:
        messages.info(request, "该表单已提交过，未重复创建；以下是第一次提交的结果。")
        return redirect(repeated.result_url)
    messages.info(request, "该表单正在处理中，请勿重复提交。")
    return redirect(fallback)

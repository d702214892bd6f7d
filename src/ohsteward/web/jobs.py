"""我的任务: the user's background jobs, one job's live progress (HTMX partial), its result file, retry.

A job is seen by the user who started it and by city administrators (``Job.scope_q``); anybody
else gets 404. The progress partial polls itself every second while the job is queued or running
and stops when it has finished.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from ohsteward.accounts import access
from ohsteward.core import jobs
from ohsteward.core.models import Job


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    own = Job.objects.for_user(request.user).filter(user=request.user)
    page = Paginator(own, 30).get_page(request.GET.get("page"))
    return render(
        request, "web/job_list.html", {"page": page, "ttl_hours": f"{settings.OHSTEWARD_UPLOAD_TTL_HOURS:g}"}
    )


def _context(job: Job) -> dict:
    return {"job": job, "has_file": jobs.result_path(job) is not None}


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = access.get_for_user_or_404(Job.objects.select_related("user"), request.user, pk=pk)
    partial = request.headers.get("HX-Request") == "true" and request.GET.get("part") == "progress"
    response = render(request, "web/_job_progress.html" if partial else "web/job_detail.html", _context(job))
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = access.get_for_user_or_404(Job.objects, request.user, pk=pk)
    path = jobs.result_path(job)
    if path is None:
        raise Http404("结果文件不存在或已过期")
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name)


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = access.get_for_user_or_404(Job.objects.filter(user=request.user), request.user, pk=pk)
    try:
        job = jobs.job_retry(user=request.user, job=job)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "已重新排队运行。")
    return redirect("web:job_detail", pk=job.pk)

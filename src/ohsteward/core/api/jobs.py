"""/api/v1/jobs/: the background jobs of the caller (city administrators may open anybody's).

The fields are a contract: ``{id, kind, status, progress, stage, result, error, created_at,
finished_at, download_url}``; ``status`` is one of queued|running|succeeded|failed (an
interrupted job is failed, its ``error`` says it was interrupted). Endpoints that start a job
answer 202 with ``{"job": id, "status_url": "/api/v1/jobs/<id>/"}`` (``job_accepted``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ohsteward.core import jobs
from ohsteward.core.api.viewsets import ExportMixin
from ohsteward.core.models import Job, JobStatus


class JobSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(
        choices=[JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED],
        source="api_status",
        read_only=True,
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "progress",
            "stage",
            "result",
            "error",
            "created_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, job: Job) -> str | None:
        if job.status != JobStatus.SUCCEEDED or jobs.result_path(job) is None:
            return None
        return reverse("api:job-download", args=[job.pk])


class JobAcceptedSerializer(serializers.Serializer):
    job = serializers.IntegerField()
    status_url = serializers.CharField()


def job_accepted(job: Job) -> Response:
    """202 Accepted for an endpoint that queued ``job``."""
    return Response(
        {"job": job.pk, "status_url": reverse("api:job-detail", args=[job.pk])},
        status=status.HTTP_202_ACCEPTED,
    )


class JobTable:
    """The user's jobs as an .xlsx (``export/``, like every list)."""

    columns = [
        ("id", "编号"),
        ("kind", "类型"),
        ("title", "任务"),
        ("status", "状态"),
        ("progress", "进度(%)"),
        ("stage", "阶段"),
        ("error", "错误"),
        ("created_at", "创建时间"),
        ("finished_at", "结束时间"),
    ]

    @staticmethod
    def rows(queryset):
        for j in queryset:
            yield [
                j.pk,
                j.kind,
                j.title,
                j.get_status_display(),
                j.progress,
                j.stage,
                j.error,
                j.created_at,
                j.finished_at,
            ]


class JobViewSet(ExportMixin, viewsets.ReadOnlyModelViewSet):
    """后台任务：状态与进度、结果文件下载、失败后重试。"""

    table_class = JobTable
    export_filename = "我的任务"
    serializer_class = JobSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Job.objects.none()  # for the schema; get_queryset is what runs

    def get_queryset(self):
        mine = Job.objects.for_user(self.request.user)
        if self.action in ("list", "export"):  # the list is one's own jobs, also for city administrators
            return mine.filter(user=self.request.user)
        return mine

    @extend_schema(summary="重试失败或中断的任务", request=None, responses={202: JobAcceptedSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        job = self.get_object()
        if job.user_id != request.user.pk:
            raise exceptions.PermissionDenied("只能重试自己发起的任务")
        try:
            job = jobs.job_retry(user=request.user, job=job)
        except ValidationError as exc:
            raise exceptions.ValidationError({"job": exc.messages}) from None
        return job_accepted(job)

    @extend_schema(
        summary="下载任务的结果文件",
        responses={(200, "application/octet-stream"): OpenApiResponse(response=OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        job = self.get_object()
        path = jobs.result_path(job)
        if path is None:
            raise Http404("结果文件不存在或已过期")
        return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name)

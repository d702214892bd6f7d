"""API bases: Django's PermissionDenied keeps its message; every list endpoint has export/."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from ohsteward.api.testing import bearer_client
from ohsteward.api.urls import router
from ohsteward.core.api.exceptions import exception_handler


def test_django_permission_denied_answers_403_with_its_chinese_reason():
    response = exception_handler(PermissionDenied("用人单位管理人员不能新增其他用人单位"), {})
    assert response.status_code == 403
    assert response.data == {"detail": "用人单位管理人员不能新增其他用人单位"}
    assert exception_handler(PermissionDenied(), {}).status_code == 403


LISTS = [(prefix, viewset) for prefix, viewset, _ in router.registry if hasattr(viewset, "list")]


@pytest.mark.parametrize("prefix, viewset", LISTS, ids=[p for p, _ in LISTS])
def test_every_list_endpoint_has_an_xlsx_export(prefix, viewset, cast, enterprises):
    assert hasattr(viewset, "export"), f"/api/v1/{prefix}/ has no export/"
    # the city, or the CDC where the city may not read the rows (individual exam results: regulators
    # see aggregates and cases, issue 12 item 2)
    model = viewset.queryset.model
    perm = f"{model._meta.app_label}.view_{model._meta.model_name}"
    viewer = next((cast[u] for u in ("city", "cdc") if cast[u].has_perm(perm)), cast["city"])
    client = bearer_client(viewer)
    response = client.get(f"/api/v1/{prefix}/export/")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(f"/api/v1/{prefix}/export/", {"no_such_filter": "1"}).status_code == 200

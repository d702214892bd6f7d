"""A URLconf of small views on the core bases, for core/tests/test_views.py.

The bases need a scoped model; the register's ``Enterprise`` is the simplest one (tests may use
any app; production code in ``core`` may not).
"""

import django_filters as filters
from django.core.exceptions import PermissionDenied
from django.urls import include, path

from ohsteward.core.filtersets import FilterSet
from ohsteward.core.tables import Column, Table
from ohsteward.core.views import ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView
from ohsteward.registry import actions
from ohsteward.registry.filtersets import EnterpriseFilterSet
from ohsteward.registry.forms import WorkplaceForm
from ohsteward.registry.models import Enterprise, Region


class Employers(Table):
    html_id = "employers"
    select_related = ("region",)
    columns = [
        Column("名称", "name", link="core_tests:detail", sortable="name"),
        Column("区县", "region.name", key="region", sortable="region_id"),
        Column("人数", "employees", sortable="employees", css="num"),
        Column("电话", "contact_phone"),
        Column("备注", lambda e: "=1+1", key="formula"),  # exported as text, never as a formula
    ]


class Filters(FilterSet, EnterpriseFilterSet):
    """The register's filters plus one that needs today's date."""

    changed_today = filters.BooleanFilter(label="今天修改过", method="filter_changed_today")

    def filter_changed_today(self, queryset, name, value):
        return (
            queryset.filter(updated_at__date=self.today)
            if value
            else queryset.exclude(updated_at__date=self.today)
        )


class ListView(ObjectListView):
    queryset = Enterprise.objects.all()
    filterset = Filters
    table = Employers
    permission = "registry.view_enterprise"
    title = "单位"
    export_filename = "单位"
    page_size = 2


class DetailView(ObjectDetailView):
    queryset = Enterprise.objects.all()
    permission = "registry.view_enterprise"
    template_name = "generic/object_detail.html"


class SeenEmployers(Employers):
    """A column that depends on the viewer (``Table.seen_by``): who looked, and how many objects
    were handed over at once (one page, or one export chunk)."""

    chunk_size = 1
    columns = [Employers.columns[0], Column("查看者", "seen_as", key="seen_as")]

    @classmethod
    def seen_by(cls, user, objects):
        for e in objects:
            e.seen_as = f"{getattr(user, 'username', '系统')}/{len(objects)}"
        return objects


class SeenListView(ListView):
    table = SeenEmployers


class PartsDetailView(DetailView):
    partial_templates = {"pager": "generic/_pager.html"}


def move_to_wanzhou(*, user, enterprise, data):
    """An action that (wrongly) moves the employer out of a 渝北 officer's scope and saves it."""
    enterprise.name = data["name"]
    enterprise.region = Region.objects.get(code="500101")
    enterprise.save()
    return enterprise


class RenameForm(WorkplaceForm):
    class Meta(WorkplaceForm.Meta):
        model = Enterprise
        fields = ["name"]


class MovingFormView(ObjectFormView):
    queryset = Enterprise.objects.all()
    permission = "registry.change_enterprise"
    form = RenameForm
    action = move_to_wanzhou
    object_keyword = "enterprise"

    def success_url(self, obj):
        return "/done/"


def refuse(*, user, enterprise):
    raise PermissionDenied("测试：不允许")


class RefuseView(ObjectActionView):
    queryset = Enterprise.objects.all()
    permission = "registry.change_enterprise"
    action = refuse
    object_keyword = "enterprise"
    partial_template = "generic/form_errors.html"

    def success_url(self, obj):
        return "/done/"


class WorkplaceAddView(ObjectActionView):
    queryset = Enterprise.objects.all()
    permission = "registry.change_enterprise"
    form = WorkplaceForm
    action = actions.workplace_create
    object_keyword = "enterprise"
    success_message = "已添加工作场所"

    def success_url(self, obj):
        return "/done/"


app_patterns = (
    [
        path("list/", ListView.as_view(), name="list"),
        path("list/export/", ListView.as_view(export=True), name="export"),
        path("e/<int:pk>/", DetailView.as_view(), name="detail"),
        path("seen/", SeenListView.as_view(), name="seen_list"),
        path("seen/export/", SeenListView.as_view(export=True), name="seen_export"),
        path("e/<int:pk>/parts/", PartsDetailView.as_view(), name="detail_parts"),
        path("e/<int:pk>/move/", MovingFormView.as_view(), name="move"),
        path("e/<int:pk>/refuse/", RefuseView.as_view(), name="refuse"),
        path("e/<int:pk>/workplace/", WorkplaceAddView.as_view(), name="workplace_add"),
    ],
    "core_tests",
)

urlpatterns = [
    path("t/", include(app_patterns)),
    path("", include("ohsteward.urls")),
]

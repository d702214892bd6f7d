from django.urls import path

from ohsteward.library import views

app_name = "library"
urlpatterns = [
    path("", views.RegulationListView.as_view(), name="regulation_list"),
    path("export/", views.RegulationListView.as_view(export=True), name="regulation_export"),
    path("new/", views.RegulationCreateView.as_view(), name="regulation_create"),
    path("<int:pk>/", views.RegulationDetailView.as_view(), name="regulation_detail"),
    path("<int:pk>/edit/", views.RegulationEditView.as_view(), name="regulation_edit"),
    path("<int:pk>/file/", views.RegulationFileView.as_view(), name="regulation_file"),
]

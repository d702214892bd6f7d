from django.urls import path

from ohsteward.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.BatchListView.as_view(), name="batch_list"),
    path("export/", views.BatchListView.as_view(export=True), name="batch_export"),
    path("upload/", views.BatchUploadView.as_view(), name="batch_upload"),
    path("templates/<str:kind>/", views.template_download, name="template_download"),
    path("batches/<int:pk>/", views.BatchDetailView.as_view(), name="batch_detail"),
    path("batches/<int:pk>/export/", views.BatchRowListView.as_view(), name="batch_row_export"),
    path("batches/<int:pk>/rejected/", views.batch_rejected, name="batch_rejected"),
    path("review/", views.ReviewListView.as_view(), name="review_list"),
    path("review/export/", views.ReviewListView.as_view(export=True), name="review_export"),
    path("review/<int:pk>/", views.review_decide, name="review_decide"),
    path("rows/<int:pk>/unlink/", views.row_unlink, name="row_unlink"),
    path("merge/", views.merge, name="merge"),
]

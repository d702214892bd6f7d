from django.urls import path

from ohsteward.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("upload/", views.batch_upload, name="batch_upload"),
    path("templates/<str:kind>/", views.template_download, name="template_download"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/rejected/", views.batch_rejected, name="batch_rejected"),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:pk>/", views.review_decide, name="review_decide"),
    path("rows/<int:pk>/unlink/", views.row_unlink, name="row_unlink"),
    path("merge/", views.merge, name="merge"),
]

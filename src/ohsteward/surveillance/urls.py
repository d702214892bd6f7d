"""URLs of health surveillance (namespace ``surveillance``), under /surveillance/."""

from ohsteward.surveillance.exams.urls import urlpatterns as exams_urls

app_name = "surveillance"

urlpatterns = [
    *exams_urls,
]

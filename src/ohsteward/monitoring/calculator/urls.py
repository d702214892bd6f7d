from django.urls import path

from ohsteward.monitoring.calculator import views

app_name = "exposure"

urlpatterns = [
    path("calculator/", views.CalculatorView.as_view(), name="calculator"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
]

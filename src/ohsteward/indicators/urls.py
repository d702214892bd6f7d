from django.urls import path

from ohsteward.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.table, name="table"),
    path("library/", views.library, name="library"),
    path("ranking/", views.ranking, name="ranking"),
    path("teams/", views.team_ranking, name="team_ranking"),
    path("trend/", views.trend, name="trend"),
    path("publish/", views.publish, name="publish"),
    path("report/", views.report, name="report"),
    path("dispatch/", views.dispatch_page, name="dispatch"),
    path("<slug:code>/records/", views.drilldown, name="drilldown"),
]

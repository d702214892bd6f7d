from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ohsteward.api"
    label = "api"

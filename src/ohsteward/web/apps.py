from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ohsteward.web"
    label = "web"

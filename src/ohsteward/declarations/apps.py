from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "ohsteward.declarations"
    label = "declarations"

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ohsteward.api"
    label = "api"

    def ready(self) -> None:
        from ohsteward.api import schema  # noqa: F401  (registers the schema extensions)

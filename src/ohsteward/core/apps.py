from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ohsteward.core"
    label = "core"
    verbose_name = "系统"

    def ready(self) -> None:
        # local: ready(): audit connects signals to models, which cannot load before the app registry
        from ohsteward.core import audit

        audit.connect_signals()

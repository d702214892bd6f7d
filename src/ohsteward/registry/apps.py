from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistryConfig(AppConfig):
    name = "ohsteward.registry"
    label = "registry"
    verbose_name = "用人单位名录"

    def ready(self) -> None:
        # local: ready(): refdata loads models, which cannot load before the app registry
        from ohsteward.registry.refdata import load_on_migrate

        post_migrate.connect(load_on_migrate, sender=self)

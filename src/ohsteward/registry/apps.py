from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "ohsteward.registry"
    label = "registry"
    verbose_name = "用人单位名录"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from ohsteward.registry.refdata import load_on_migrate

        post_migrate.connect(load_on_migrate, sender=self)

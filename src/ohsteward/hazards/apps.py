from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HazardsConfig(AppConfig):
    name = "ohsteward.hazards"
    label = "hazards"

    def ready(self) -> None:
        # local: ready(): refdata imports models, which cannot load before the app registry
        from ohsteward.hazards.refdata import load_on_migrate

        post_migrate.connect(load_on_migrate, sender=self)

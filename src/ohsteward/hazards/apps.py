from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "ohsteward.hazards"
    label = "hazards"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from ohsteward.hazards.refdata import load_on_migrate

        post_migrate.connect(load_on_migrate, sender=self)

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IndicatorsConfig(AppConfig):
    name = "ohsteward.indicators"
    label = "indicators"
    verbose_name = "指标与目标"

    def ready(self) -> None:
        # local: ready(): refdata imports models, which cannot load before the app registry
        from ohsteward.indicators.refdata import load_on_migrate

        post_migrate.connect(load_on_migrate, sender=self)

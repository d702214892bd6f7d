from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "ohsteward.supervision"
    label = "supervision"
    verbose_name = "分类监督执法"

    def ready(self) -> None:
        # local: the app registry must be ready before supervision's modules (models) import
        from ohsteward.monitoring import effects
        from ohsteward.supervision import actions

        effects.on_measurement_recorded(actions.on_measurement)

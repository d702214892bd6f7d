from django.apps import AppConfig


class SurveillanceConfig(AppConfig):
    name = "ohsteward.surveillance"
    label = "surveillance"
    verbose_name = "职业健康监护"

    def ready(self) -> None:
        # the facts this app knows for lower apps (core.facts): exams done per employer and year
        from ohsteward.surveillance.exams import facts  # local: needs the app registry ready

        facts.provide_all()

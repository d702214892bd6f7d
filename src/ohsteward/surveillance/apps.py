from django.apps import AppConfig


class SurveillanceConfig(AppConfig):
    name = "ohsteward.surveillance"
    label = "surveillance"
    verbose_name = "职业健康监护"

    def ready(self) -> None:
        # the facts this app knows for lower apps (core.facts): exams done per employer and year
        # local: ready(): these modules import models, which cannot load before the app registry
        from ohsteward.monitoring import effects
        from ohsteward.surveillance import inputs
        from ohsteward.surveillance.exams import cards, facts

        facts.provide_all()
        cards.connect()  # the report cards each exam batch and diagnosis owes (institutions)
        # a recorded measurement changes the interval of the workers on that post (RULES.md §2.3)
        # (the bulk import calls the batch form once per file)
        effects.on_measurement_recorded(inputs.measurement_recorded, batch=inputs.measurements_recorded)

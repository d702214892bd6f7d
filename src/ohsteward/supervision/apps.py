from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "ohsteward.supervision"
    label = "supervision"
    verbose_name = "分类监督执法"

    def ready(self) -> None:
        # local: the app registry must be ready before supervision's modules (models) import
        from django.db.models.signals import post_save

        from ohsteward.monitoring import effects
        from ohsteward.supervision import facts, triggers
        from ohsteward.surveillance.exams import effects as exam_effects
        from ohsteward.surveillance.exams.models import Exam

        facts.provide_all()  # the facts this app knows for lower apps (core.facts): 在案整改
        effects.on_measurement_recorded(triggers.measurement, batch=triggers.measurements)
        post_save.connect(triggers.exam_saved, sender=Exam, dispatch_uid="supervision.exam_saved")
        exam_effects.on_exams_recorded(triggers.exams)  # the bulk exam import (no post_save)

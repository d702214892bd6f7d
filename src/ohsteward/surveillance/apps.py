from django.apps import AppConfig


class SurveillanceConfig(AppConfig):
    name = "ohsteward.surveillance"
    label = "surveillance"
    verbose_name = "职业健康监护"

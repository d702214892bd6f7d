from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "ohsteward.intake"
    label = "intake"
    verbose_name = "多源数据汇聚"

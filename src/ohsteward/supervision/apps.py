from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "ohsteward.supervision"
    label = "supervision"
    verbose_name = "分类监督执法"

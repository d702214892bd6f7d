from django.apps import AppConfig


class StewardshipConfig(AppConfig):
    name = "ohsteward.stewardship"
    label = "stewardship"
    verbose_name = "职业健康管家服务"

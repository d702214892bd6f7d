from django.apps import AppConfig


class InterdeptConfig(AppConfig):
    name = "ohsteward.interdept"
    label = "interdept"
    verbose_name = "部门共享名单"

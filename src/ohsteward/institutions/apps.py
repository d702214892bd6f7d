from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "ohsteward.institutions"
    label = "institutions"
    verbose_name = "技术服务机构"

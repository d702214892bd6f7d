from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Workplace hazard monitoring (issue 11). No models yet: ``rules.py`` holds the judgement."""

    name = "ohsteward.monitoring"
    label = "monitoring"
    verbose_name = "工作场所职业病危害因素监测"

from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "ohsteward.hazards"
    label = "hazards"

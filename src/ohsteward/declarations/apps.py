from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "ohsteward.declarations"
    label = "declarations"

    def ready(self) -> None:
        # local: ready(): actions import models, which cannot load before the app registry
        from ohsteward.declarations.actions import declarations_from_rows
        from ohsteward.declarations.detection import (
            headcount_triggers_for_measurements,
            trigger_for_headcount_difference,
            trigger_for_undeclared_factor,
            triggers_for_measurements,
        )
        from ohsteward.intake import effects
        from ohsteward.intake.choices import SourceKind
        from ohsteward.monitoring import effects as monitoring_effects

        # intake link effect (docs/decisions/0002-intake-link-effects.md)
        effects.on_link(SourceKind.DECLARATION, declarations_from_rows)
        # a detection result showing an undeclared factor makes a 变更申报 due (issue 11 item 6)
        monitoring_effects.on_measurement_recorded(
            trigger_for_undeclared_factor, batch=triggers_for_measurements
        )
        # … and so does a declared factor's exposed headcount beyond the tolerance (item 6)
        monitoring_effects.on_measurement_recorded(
            trigger_for_headcount_difference, batch=headcount_triggers_for_measurements
        )

from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "ohsteward.declarations"
    label = "declarations"

    def ready(self) -> None:
        # local: ready(): actions import models, which cannot load before the app registry
        from ohsteward.declarations.actions import declarations_from_rows
        from ohsteward.intake import effects
        from ohsteward.intake.choices import SourceKind

        # intake link effect (docs/decisions/0002-intake-link-effects.md)
        effects.on_link(SourceKind.DECLARATION, declarations_from_rows)

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LibraryConfig(AppConfig):
    name = "ohsteward.library"
    label = "library"
    verbose_name = "法律法规标准库"

    def ready(self) -> None:
        # local: ready(): refdata imports models, which cannot load before the app registry
        from ohsteward.library.refdata import load_on_migrate

        post_migrate.connect(load_on_migrate, sender=self)

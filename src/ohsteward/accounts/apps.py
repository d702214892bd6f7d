from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "ohsteward.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        # local: ready(): the permissions module imports models, which cannot load before the app registry
        from ohsteward.accounts.access.permissions import sync_role_groups

        # post_migrate is sent once per app, in INSTALLED_APPS order, and each app's permissions
        # are created by its own signal: sync the role groups after the last app, when they all exist.
        # (Django sends it only to apps that have a models module.)
        last_app = [a for a in apps.get_app_configs() if a.models_module is not None][-1]
        post_migrate.connect(sync_role_groups, sender=last_app, dispatch_uid="ohsteward_sync_role_groups")

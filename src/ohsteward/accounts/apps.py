from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ohsteward.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from ohsteward.accounts.access import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)

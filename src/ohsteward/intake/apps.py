from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "ohsteward.intake"
    label = "intake"
    verbose_name = "多源数据汇聚"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from ohsteward.accounts.access import sync_role_groups

        # accounts syncs the role groups on its own post_migrate, before this app's permissions
        # exist; sync again once they do (idempotent).
        post_migrate.connect(sync_role_groups, sender=self, dispatch_uid="intake_sync_role_groups")

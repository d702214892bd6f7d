from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Workplace hazard monitoring (issue 11): detection reports, measurements judged by
    ``rules.py``/``physical.py``/``grading.py``, rectification tasks and detection due dates."""

    name = "ohsteward.monitoring"
    label = "monitoring"
    verbose_name = "工作场所职业病危害因素监测"

    def ready(self) -> None:
        # local: the facts read models, which are loaded only once the app registry is ready
        from ohsteward.core import facts
        from ohsteward.monitoring import actions, cards, queries
        from ohsteward.stewardship import followups

        facts.provide(facts.PERIODIC_DETECTION_DONE, queries.periodic_detection_done)
        facts.provide(facts.HAS_OVER_LIMIT_POST, queries.has_over_limit_post)
        facts.provide(facts.OVER_LIMIT_FIXED, queries.over_limit_fixed)
        # a steward visit's finding ticked "需整改" opens a task here (issue 10 item 3)
        followups.provide_rectification(
            lambda user, finding: actions.rectification_open_for_finding(user=user, finding=finding),
            queries.finding_rectifications,
        )
        cards.connect()  # the report cards each detection report owes (institutions)

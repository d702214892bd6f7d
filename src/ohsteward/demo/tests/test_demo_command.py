"""`ohsteward demo` prepares a usable system: data in every area and one login per role."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
@pytest.mark.usefixtures("no_cast")  # counts every employer
def test_demo_prepares_data_and_logins():
    from ohsteward.accounts.models import User
    from ohsteward.declarations.models import HazardListEntry
    from ohsteward.intake.models import SourceBatch, SourceRow
    from ohsteward.registry.models import Enterprise

    out = io.StringIO()
    call_command("demo", "--no-serve", "--enterprises", "400", "--seed", "2", stdout=out)
    assert Enterprise.objects.filter(registration="registered").count() == 400
    assert Enterprise.objects.values("region").distinct().count() >= 30
    assert {u.role for u in User.objects.all()} == {
        "city_admin",
        "district_admin",
        "cdc_staff",
        "institution_staff",
        "steward_member",
        "enterprise_manager",
        "worker",
    }
    assert "ohsteward-demo" in out.getvalue() and "用户名 yubei" in out.getvalue()
    # people have names, and the manager's login names its employer (issue 8 item 19)
    assert User.objects.get(username="yubei").display_name == "渝北区卫生健康委 王某某"
    manager = User.objects.get(username="manager")
    assert f"用户名 manager（{manager.assignment.enterprise.name}）" in out.getvalue()
    # the worker's own login (issue 12 item 9): their file, an open recheck to talk about
    from ohsteward.surveillance.exams.models import SurveillanceTask  # local: like the imports above

    worker = User.objects.get(username="worker")
    assert worker.check_password("ohsteward-demo") and not worker.must_change_password
    assert SurveillanceTask.objects.for_user(worker).filter(kind="recheck", closed_on__isnull=True).exists()
    assert not Enterprise.objects.for_user(worker).exists()
    assert "用户名 worker（" in out.getvalue()
    # it says what it is doing while it builds data (issue 8 item 18)
    assert "准备数据库和参考数据" in out.getvalue() and "准备演示数据" in out.getvalue()
    # source lists were ingested: links, candidates for unknown employers
    assert SourceBatch.objects.filter(status="done").count() == 3
    assert SourceRow.objects.filter(status="linked").exists()
    assert SourceRow.objects.filter(status="created").exists()
    # the hazard-employer list carries evidence from those lists, and some entries are overdue
    reasons = {r for e in HazardListEntry.objects.all() for r in e.reasons}
    assert {"industry_serious", "exam_record", "detection_record"} <= reasons
    # personal dose monitoring has records, one above the investigation level (issue 12 item 8)
    from ohsteward.surveillance.dose.models import DoseRecord  # local: like the imports above

    assert DoseRecord.objects.filter(above_investigation=True).count() == 1
    # SME assistance shows both priority flags read through core.facts (issue 10 item 5)
    from ohsteward.stewardship.assistance import queries as assistance  # local: like the imports above
    from ohsteward.stewardship.assistance.models import AssistanceEntry  # local: like the imports above

    flagged = assistance.with_flags(list(AssistanceEntry.objects.select_related("plan")))
    assert any(e.case_flag for e in flagged) and any(e.rectification_flag for e in flagged)
    # running it again adds nothing
    call_command("demo", "--no-serve", "--enterprises", "400", "--seed", "2", stdout=io.StringIO())
    assert Enterprise.objects.filter(registration="registered").count() == 400
    assert User.objects.count() == 10  # the seven roles, two more steward team logins, the worker


def test_demo_help_explains_every_option():
    import re

    from django.core.management import load_command_class

    parser = load_command_class("ohsteward.demo", "demo").create_parser("ohsteward", "demo")
    text = parser.format_help()
    # each option's block: its line and the indented continuation lines after it
    blocks = dict(re.findall(r"^  (--[\w-]+)(.*(?:\n {6,}.*)*)", text, flags=re.M))
    for option in ("--host", "--port", "--enterprises", "--seed", "--no-serve"):
        assert re.search(r"[\u4e00-\u9fff]", blocks[option]), (option, blocks.get(option))

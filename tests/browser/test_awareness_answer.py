"""Browser test: a worker scans the employer's QR code and answers the awareness questionnaire on
a 375 px phone screen, without an account — then a second answer from the same phone is refused.

Screenshots go to ``$OHSTEWARD_SCREENSHOTS`` when set (for looking at, not compared).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name):
    target = os.environ.get("OHSTEWARD_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / name), full_page=True)


def test_a_worker_answers_the_questionnaire_on_a_phone_without_an_account(
    browser, live_server, cast, enterprises
):
    from ohsteward.stewardship.training import actions
    from ohsteward.stewardship.training.models import AwarenessResponse

    questionnaire = actions.questionnaire_save(
        user=None,
        data={
            "title": "矽尘岗位职业健康知识问卷",
            "threshold": 80,
            "questions": [
                {"text": "矽尘岗位应佩戴？", "options": ["KN95 防尘口罩", "棉纱口罩"], "answer": 0},
                {"text": "长期吸入矽尘可能导致？", "options": ["近视", "矽肺"], "answer": 1},
            ],
        },
    )
    employer = enterprises["yubei"]
    link = f"{live_server.url}/stewardship/training/a/{actions.awareness_token(employer)}/"
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(link)
    assert employer.name in page.inner_text("body")
    page.click(f"text={questionnaire.title}")
    page.wait_for_selector("#answer")
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    page.fill("input[name=phone]", "13800138000")
    page.check("input[name=q0][value='0']")
    page.check("input[name=q1][value='1']")
    _shot(page, "awareness-375.png")
    page.click("#answer button[type=submit]")
    page.wait_for_selector("#result")
    assert "100" in page.inner_text("#result") and "已掌握" in page.inner_text("#result")
    saved = AwarenessResponse.objects.get(enterprise=employer, questionnaire=questionnaire)
    assert saved.aware and saved.score == 100

    page.goto(f"{link}?q={questionnaire.pk}")
    page.fill("input[name=phone]", "13800138000")
    page.check("input[name=q0][value='1']")
    page.check("input[name=q1][value='0']")
    page.click("#answer button[type=submit]")
    page.wait_for_selector(".form-errors")
    assert "已经回答过" in page.inner_text(".form-errors")
    assert AwarenessResponse.objects.filter(enterprise=employer).count() == 1
    context.close()


def test_a_steward_records_a_session_with_its_people_at_375px(browser, live_server, cast, enterprises, login):
    import datetime as dt

    from ohsteward.accounts.actions import role_assign
    from ohsteward.stewardship.tests.factories import make_team, sign_agreement
    from ohsteward.stewardship.training.models import TrainingRecord

    team = make_team()
    role_assign(user=cast["steward"], role="steward_member", team=team)
    sign_agreement(team, enterprises["yubei"], dt.date.today() - dt.timedelta(days=100))
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    base = live_server.url
    login(page, base, "steward")
    page.goto(f"{base}/stewardship/training/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    page.fill("#id_topic", "粉尘危害与防护")
    page.fill("#id_trainer", "王医师")
    page.fill("#id_hours", "4")
    page.check("input[name=mode][value=onsite]")
    page.fill("#id_people", "张三，接害劳动者\n李四，职业卫生管理人员")
    _shot(page, "training-form-375.png")
    page.click("#training-form button[type=submit]")
    page.wait_for_selector("#people")
    assert "张三" in page.inner_text("#people") and "李四" in page.inner_text("#people")
    assert TrainingRecord.objects.filter(session__topic="粉尘危害与防护").count() == 2
    page.goto(f"{base}/stewardship/training/people/?enterprise={enterprises['yubei'].pk}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    assert "培训率" in page.inner_text("#rate")
    _shot(page, "training-people-375.png")
    context.close()

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ohsteward.registry.actions import enterprise_create, enterprise_update
from ohsteward.registry.models import Enterprise, Industry, Region
from ohsteward.registry.tests.factories import make_uscc


def data(**kw):
    base = {
        "uscc": make_uscc("500112"),
        "name": "重庆新建机械有限公司",
        "region": Region.objects.get(code="500112"),
        "industry": Industry.objects.get(code="3311"),
        "employees": 350,
        "revenue": 1500,
    }
    base.update(kw)
    return base


@pytest.mark.django_db
def test_create_derives_size_and_risk(cast):
    e = enterprise_create(user=cast["yubei"], data=data())
    assert e.size_class == "small" and e.industry_risk == "serious"
    assert e.name_normalized == "重庆新建机械有限公司"


@pytest.mark.django_db
def test_create_rejects_bad_code_with_expected_digit(cast):
    from ohsteward.registry.rules import uscc_check_char

    good = make_uscc("500112")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        enterprise_create(user=cast["yubei"], data=data(uscc=bad))
    assert exc.value.message_dict["uscc"] == [f"校验位错误，应为 {uscc_check_char(bad[:17])}"]


@pytest.mark.django_db
def test_create_outside_jurisdiction_is_refused(cast):
    with pytest.raises(ValidationError, match="该统一社会信用代码无法由您登记，请联系市级管理员处理"):
        enterprise_create(user=cast["yubei"], data=data(region=Region.objects.get(code="500101")))


@pytest.mark.django_db
def test_future_suspension_date_is_refused(cast, enterprises):
    future = timezone.localdate() + dt.timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        enterprise_update(
            user=cast["yubei"],
            enterprise=enterprises["yubei"],
            data={"status": "suspended", "suspended_on": future},
        )
    assert exc.value.message_dict["suspended_on"] == ["停产停业日期不能晚于今天"]


@pytest.mark.django_db
def test_update_out_of_scope_and_move_out_of_scope_refused(cast, enterprises):
    with pytest.raises(ValidationError):
        enterprise_update(user=cast["yubei"], enterprise=enterprises["wanzhou"], data={"employees": 1})
    with pytest.raises(ValidationError):
        enterprise_update(
            user=cast["yubei"],
            enterprise=enterprises["yubei"],
            data={"region": Region.objects.get(code="500101"), "town": None},
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("region", "500101"), ("zone", "Z5001"), ("town", "other"), ("uscc", "new")],
)
def test_enterprise_manager_cannot_move_or_rename_identity(cast, enterprises, field, value):
    """A manager could otherwise move the employer out of its district's oversight (review H1)."""
    e = enterprises["yubei"]
    if field == "uscc":
        value = make_uscc("500112")
    elif field == "town":
        value = Region.objects.filter(parent_id="500112").exclude(pk=e.town_id).first()
    else:
        value = Region.objects.get(pk=value)
    with pytest.raises(ValidationError) as exc:
        enterprise_update(user=cast["manager"], enterprise=e, data={field: value})
    assert "不能自行修改" in exc.value.message_dict[field][0]
    # unchanged values and other fields are fine
    enterprise_update(user=cast["manager"], enterprise=e, data={"region": e.region, "employees": 60})
    e.refresh_from_db()
    assert e.employees == 60 and e.region_id == "500112"


@pytest.fixture
def liangjiang(db):
    """A 两江新区 officer, and one town inside the zone (渝北 人和街道) and one outside (渝北 双龙湖)."""
    from ohsteward.accounts.actions import user_create
    from ohsteward.conftest import PASSWORD

    officer = user_create(
        username="liangjiang",
        password=PASSWORD,
        role="district_admin",
        region_code="Z5001",
        check_password=False,
    )
    return (
        officer,
        Region.objects.get(code="500112009"),
        Region.objects.get(name="双龙湖街道", parent_id="500112"),
    )


def _data(region, town, zone, name="重庆两江测试有限公司"):
    return {"uscc": make_uscc(region.code), "name": name, "region": region, "town": town, "zone": zone}


@pytest.mark.django_db
def test_a_zone_officer_writes_only_employers_in_the_zones_towns(cast, enterprises, liangjiang):
    officer, inside, outside = liangjiang
    zone = Region.objects.get(code="Z5001")
    yubei, wanzhou = Region.objects.get(code="500112"), Region.objects.get(code="500101")
    e = enterprise_create(user=officer, data=_data(yubei, inside, zone))
    assert e.zone_id == "Z5001"
    wanzhou_town = Region.objects.filter(parent_id="500101").first()
    for region, town, z in [
        (wanzhou, wanzhou_town, None),
        (wanzhou, wanzhou_town, zone),
        (yubei, outside, None),
    ]:
        with pytest.raises(ValidationError):
            enterprise_create(user=officer, data=_data(region, town, z, name="越界公司"))
    with pytest.raises(ValidationError):  # moving its employer into 万州
        enterprise_update(
            user=officer, enterprise=e, data={"region": wanzhou, "town": wanzhou_town, "zone": None}
        )
    assert not Enterprise.objects.filter(name="越界公司").exists()


@pytest.mark.django_db
def test_an_employers_zone_must_contain_its_town(cast, enterprises, liangjiang):
    _, inside, outside = liangjiang
    e = enterprises["yubei2"]
    with pytest.raises(ValidationError) as exc:  # 渝北 cannot attach 万盛经开区 to a 渝北 employer
        enterprise_update(
            user=cast["yubei"], enterprise=e, data={"town": inside, "zone": Region.objects.get(code="Z5003")}
        )
    assert "不在该功能区范围内" in exc.value.message_dict["zone"][0]
    with pytest.raises(ValidationError):
        enterprise_update(
            user=cast["yubei"], enterprise=e, data={"town": outside, "zone": Region.objects.get(code="Z5001")}
        )
    enterprise_update(
        user=cast["yubei"], enterprise=e, data={"town": inside, "zone": Region.objects.get(code="Z5001")}
    )
    e.refresh_from_db()
    assert e.zone_id == "Z5001"


@pytest.mark.django_db
def test_form_choices_offer_only_zones_and_towns_that_fit(cast, liangjiang):
    from ohsteward.registry.forms import districts_for, towns_for, zones_for

    officer, inside, outside = liangjiang
    assert set(zones_for(cast["yubei"]).values_list("code", flat=True)) == {"Z5001"}
    assert not zones_for(cast["wanzhou"]).exists()
    assert set(districts_for(officer).values_list("code", flat=True)) == {"500105", "500109", "500112"}
    towns = set(towns_for(officer, "500112").values_list("code", flat=True))
    assert inside.code in towns and outside.code not in towns


@pytest.mark.django_db
def test_change_requests_wait_for_the_district_and_are_audited(cast, enterprises):
    from ohsteward.core.models import AuditLog
    from ohsteward.registry.actions import change_request_decide, enterprise_submit

    e = enterprises["yubei"]
    with pytest.raises(ValidationError) as exc:  # the plain update refuses, whoever calls it
        enterprise_update(
            user=cast["manager"],
            enterprise=e,
            data={"status": "cancelled", "cancelled_on": dt.date(2026, 1, 5)},
        )
    assert "须由所在区县确认" in exc.value.message_dict["status"][0]
    with pytest.raises(ValidationError):  # checked when asked: a 注销 needs its date
        enterprise_submit(user=cast["manager"], enterprise=e, data={"status": "cancelled"})
    _, [first] = enterprise_submit(
        user=cast["manager"], enterprise=e, data={"status": "suspended", "suspended_on": dt.date(2026, 1, 5)}
    )
    _, [again] = enterprise_submit(
        user=cast["manager"],
        enterprise=e,
        data={"status": "cancelled", "cancelled_on": dt.date(2026, 1, 6)},
        reason="关闭",
    )
    assert again.pk == first.pk and again.new_value == {"status": "cancelled", "cancelled_on": "2026-01-06"}
    with pytest.raises(PermissionDenied):
        change_request_decide(user=cast["manager"], change_request=again, approve=True)
    change_request_decide(user=cast["yubei"], change_request=again, approve=True, note="已核实")
    e.refresh_from_db()
    assert e.status == "cancelled" and e.cancelled_on == dt.date(2026, 1, 6)
    with pytest.raises(ValidationError, match="已处理"):
        change_request_decide(user=cast["yubei"], change_request=again, approve=False)
    assert AuditLog.objects.filter(
        content_type__model="enterprisechangerequest", object_id=str(again.pk)
    ).exists()

"""The employer API: auth, filters, pagination, detail by credit code, writes through actions, scope."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from ohsteward.api.testing import bearer_client, use_fast_password_hashing
from ohsteward.conftest import WANZHOU, YUBEI
from ohsteward.core.models import AuditLog
from ohsteward.registry import rules
from ohsteward.registry.models import Enterprise, Industry, Region
from ohsteward.registry.tests.factories import EnterpriseFactory, make_uscc

URL = "/api/v1/enterprises/"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    use_fast_password_hashing(settings)


@pytest.fixture
def city(cast):
    return bearer_client(cast["city"])


@pytest.fixture
def yubei(cast):
    return bearer_client(cast["yubei"])


def usccs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["uscc"] for row in response.json()["results"]}


def valid_payload(**overrides) -> dict:
    data = {
        "uscc": make_uscc(YUBEI),
        "name": "重庆渝北新建精密铸造有限公司",
        "region": YUBEI,
        "town": "500112004",
        "industry": "3391",
        "employees": 120,
        "exposed_workers": 30,
        "revenue": "5000",
        "total_assets": "3000",
        "address": "渝北区回兴街道宝圣大道1号",
    }
    data.update(overrides)
    return data


# ---- authentication ------------------------------------------------------------------------


def test_list_requires_authentication(cast):
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_bad_token_is_rejected(cast):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer ohs_not-a-real-token")
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["detail"] == "令牌无效或已停用"


def test_bearer_token_works(city, enterprises):
    response = city.get(URL)
    assert usccs(response) == {e.uscc for e in enterprises.values()}
    assert set(response.json()) == {"count", "next", "previous", "results"}


def test_session_login_also_works(cast, enterprises):
    client = APIClient()
    client.force_login(cast["yubei"])
    assert usccs(client.get(URL)) == {enterprises["yubei"].uscc, enterprises["yubei2"].uscc}


# ---- representation ------------------------------------------------------------------------


def test_detail_by_uscc_has_contract_fields(city, enterprises):
    e = enterprises["yubei"]
    response = city.get(f"{URL}{e.uscc}/")
    assert response.status_code == 200
    body = response.json()
    assert body["uscc"] == e.uscc
    assert body["region"] == YUBEI and body["region_name"] == "渝北区"
    assert body["town"] == "500112002" and body["town_name"] == "双龙湖街道"
    assert body["zone"] is None and body["zone_name"] is None
    assert body["industry"] == "3311"
    assert body["industry_risk"] == Industry.objects.get(code="3311").risk_class
    assert body["size_class"] == e.size_class and body["size_class"] in {"large", "medium", "small", "micro"}
    assert body["status"] == "active" and body["suspended_on"] is None
    for key in ("name", "employees", "exposed_workers", "revenue", "total_assets", "cancelled_on", "address"):
        assert key in body


def test_detail_accepts_lower_case_uscc(city, enterprises):
    e = enterprises["yubei"]
    assert city.get(f"{URL}{e.uscc.lower()}/").json()["uscc"] == e.uscc


def test_unknown_uscc_is_404(city, enterprises):
    response = city.get(f"{URL}{make_uscc(YUBEI)}/")
    assert response.status_code == 404
    assert "管辖范围" in response.json()["detail"]


# ---- filters -------------------------------------------------------------------------------


@pytest.fixture
def varied(enterprises):
    """Employers that differ in exactly one filtered attribute each."""
    yubei = Region.objects.get(code=YUBEI)
    return {
        "general": EnterpriseFactory(
            name="重庆渝北稻谷种植合作社", region=yubei, industry=Industry.objects.get(code="0111")
        ),
        "zone": EnterpriseFactory(
            name="两江新区某电子有限公司", region=yubei, zone=Region.objects.get(code="Z5001")
        ),
        "large": EnterpriseFactory(
            name="重庆渝北大型机械有限公司", region=yubei, employees=2000, revenue=100000, total_assets=100000
        ),
        "suspended": EnterpriseFactory(
            name="重庆渝北停产化工有限公司", region=yubei, status="suspended", suspended_on="2024-01-02"
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=500101", {"wanzhou"}),
        ("town=500112002", {"yubei"}),
        ("zone=Z5001", {"zone"}),
        ("industry=0111", {"general"}),
        ("industry=01", {"general"}),
        ("industry=A", {"general"}),
        ("industry_risk=general", {"general"}),
        ("size_class=large", {"large"}),
        ("status=suspended", {"suspended"}),
        ("q=渝北示例", {"yubei"}),
        ("q=渝北+示例+机械", {"yubei"}),
    ],
)
def test_filters(city, enterprises, varied, query, expected):
    everyone = {**enterprises, **varied}
    assert usccs(city.get(f"{URL}?{query}")) == {everyone[k].uscc for k in expected}


def test_filter_q_by_credit_code_prefix(city, enterprises):
    e = enterprises["wanzhou"]
    assert usccs(city.get(f"{URL}?q={e.uscc[:14]}")) == {e.uscc}


def test_invalid_choice_filter_is_400_in_chinese(city, enterprises):
    response = city.get(f"{URL}?industry_risk=deadly")
    assert response.status_code == 400
    assert "industry_risk" in response.json()


def test_filters_combine_with_scope(yubei, enterprises):
    """A district officer filtering on another district gets nothing, not the other district."""
    assert usccs(yubei.get(f"{URL}?region={WANZHOU}")) == set()


# ---- pagination ----------------------------------------------------------------------------


def test_pagination_and_page_size(city, enterprises):
    for i in range(5):
        EnterpriseFactory(name=f"分页测试{i}有限公司")
    first = city.get(f"{URL}?page_size=3").json()
    assert first["count"] == 8 and len(first["results"]) == 3 and first["previous"] is None
    assert "page=2" in first["next"]
    third = city.get(f"{URL}?page_size=3&page=3").json()
    assert len(third["results"]) == 2 and third["next"] is None
    seen = {
        r["uscc"] for page in (1, 2, 3) for r in city.get(f"{URL}?page_size=3&page={page}").json()["results"]
    }
    assert len(seen) == 8
    assert city.get(f"{URL}?page_size=3&page=9").status_code == 404


def test_page_size_is_capped_at_1000(city):
    response = city.get("/api/v1/regions/?page_size=5000").json()
    assert response["count"] > 1000
    assert len(response["results"]) == 1000
    assert (
        len(city.get("/api/v1/regions/?page_size=1000&page=2").json()["results"]) == response["count"] - 1000
    )


def test_list_count_is_counted_once_per_scope_and_filter_while_cached(settings, city, yubei, enterprises):
    from django.core.cache import cache

    cache.clear()
    settings.OHSTEWARD_LIST_COUNT_CACHE_SECONDS = 60

    def count_queries(client, url) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, response.content.decode()
        return response.json()["count"], sum("COUNT(" in q["sql"].upper() for q in captured)

    city_count, counted = count_queries(city, f"{URL}?page_size=1")
    assert city_count == Enterprise.objects.count() and counted == 1
    # the next page of the same list: the same count, not counted again
    assert count_queries(city, f"{URL}?page_size=1&page=2") == (city_count, 0)
    # another scope is another count (the 渝北 officer never gets the city's total)
    yubei_count, counted = count_queries(yubei, f"{URL}?page_size=1")
    assert yubei_count == Enterprise.objects.filter(region_id=YUBEI).count() < city_count and counted == 1
    # other filters too
    assert count_queries(city, f"{URL}?page_size=1&region={WANZHOU}") == (
        Enterprise.objects.filter(region_id=WANZHOU).count(),
        1,
    )
    # the page's rows are always fresh; the count follows once the cached one has expired
    EnterpriseFactory(name="计数缓存后新增有限公司")
    cache.clear()
    assert count_queries(city, f"{URL}?page_size=1")[0] == city_count + 1


def test_pages_found_by_primary_key_are_the_pages_of_the_ordered_list(yubei, enterprises):
    for i in (5, 1, 4, 2, 3, 0):
        EnterpriseFactory(name=f"按名称排序{i}有限公司")
    expected = list(
        Enterprise.objects.filter(region_id=YUBEI)
        .order_by("region_id", "name")
        .values_list("uscc", flat=True)
    )
    pages = [yubei.get(f"{URL}?page_size=2&page={n}").json() for n in range(1, (len(expected) + 1) // 2 + 1)]
    assert [r["uscc"] for page in pages for r in page["results"]] == expected
    assert all(page["count"] == len(expected) for page in pages)
    # full rows with their joins, as before
    assert pages[0]["results"][0]["region_name"] == "渝北区"


def test_count_cache_keys_differ_by_scope_filter_and_subquery_values(cast):
    from ohsteward.core.pagination import count_cache_key

    def key(qs):
        return count_cache_key(qs)

    base = Enterprise.objects.select_related("region")
    assert key(base.for_user(cast["yubei"])) == key(base.for_user(cast["yubei"]))
    assert key(base.for_user(cast["yubei"])) != key(base.for_user(cast["wanzhou"]))
    assert key(base.filter(industry_risk="serious")) != key(base.filter(industry_risk="general"))
    assert key(base.filter(pk__in=Enterprise.objects.filter(region_id=YUBEI).values("pk"))) != key(
        base.filter(pk__in=Enterprise.objects.filter(region_id=WANZHOU).values("pk"))
    )


def test_list_counts_every_time_when_the_count_cache_is_off(settings, city, enterprises):
    settings.OHSTEWARD_LIST_COUNT_CACHE_SECONDS = 0
    before = city.get(URL).json()["count"]
    EnterpriseFactory(name="不缓存计数有限公司")
    assert city.get(URL).json()["count"] == before + 1


def test_list_has_no_n_plus_one(city, enterprises):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = city.get(f"{URL}?page_size=100")
        assert response.status_code == 200
        return len(captured)

    city.get(URL)  # first use of the token records last_used_at
    few = queries()
    for i in range(20):
        EnterpriseFactory(
            name=f"查询次数{i}有限公司",
            town=Region.objects.get(code="500112004"),
            zone=Region.objects.get(code="Z5001"),
        )
    assert queries() == few <= 8


# ---- create --------------------------------------------------------------------------------


def test_create(yubei, cast):
    data = valid_payload()
    response = yubei.post(URL, data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    e = Enterprise.objects.get(uscc=data["uscc"])
    assert body["uscc"] == e.uscc and body["town"] == "500112004"
    assert body["size_class"] == e.size_class == "small"  # 120 staff, 5000万元 revenue in manufacturing
    assert body["industry_risk"] == Industry.objects.get(code="3391").risk_class
    entry = AuditLog.objects.get(content_type__model="enterprise", object_id=str(e.pk), action="create")
    assert entry.user == cast["yubei"] and entry.source == "api"


def test_create_normalises_uscc(yubei):
    code = make_uscc(YUBEI)
    response = yubei.post(URL, valid_payload(uscc=f" {code.lower()} "), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["uscc"] == code


def test_create_with_wrong_check_digit_names_expected_digit(yubei):
    good = make_uscc(YUBEI)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    response = yubei.post(URL, valid_payload(uscc=wrong), format="json")
    assert response.status_code == 400
    assert response.json()["uscc"] == [f"校验位错误，应为 {rules.uscc_check_char(good[:17])}"]
    assert not Enterprise.objects.filter(uscc=wrong).exists()


def test_create_duplicate_uscc(yubei, enterprises):
    response = yubei.post(URL, valid_payload(uscc=enterprises["yubei"].uscc), format="json")
    assert response.status_code == 400
    assert "已登记" in response.json()["uscc"][0]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("region", "999999", "未知的区县代码：999999"),
        ("region", "500112001", "未知的区县代码：500112001"),
        ("town", "500112999", "未知的乡镇街道代码：500112999"),
        ("zone", "Z9999", "未知的功能区代码：Z9999"),
        ("industry", "9999", "未知的行业代码：9999"),
        ("industry", "33", "未知的行业代码：33"),
        ("employees", -1, "从业人员数不能为负数"),
        ("exposed_workers", -5, "接害人数不能为负数"),
        ("employees", "many", "从业人员数应为整数"),
        ("revenue", "-1", "营业收入不能为负数"),
        ("revenue", "abc", "营业收入应为数字"),
        ("name", "厂" * 201, "用人单位名称不能超过200个字符"),
        ("address", "路" * 201, "地址不能超过200个字符"),
        ("name", "  ", "用人单位名称不能为空"),
        ("status", "closed", "经营状态应为以下之一"),
        ("suspended_on", "2024/13/01", "停产停业日期格式应为 YYYY-MM-DD"),
        ("size_class_typo", "large", "未知字段"),
    ],
)
def test_create_rejects_bad_input_in_chinese(yubei, enterprises, field, value, message):
    response = yubei.post(URL, valid_payload(**{field: value}), format="json")
    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert Enterprise.objects.count() == len(enterprises)


def test_create_requires_uscc_name_and_region(yubei):
    response = yubei.post(URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"uscc", "name", "region"}


def test_create_rules_from_the_action(yubei):
    """Cross-field rules live in the model/action and still answer 400 by field."""
    response = yubei.post(URL, valid_payload(status="suspended", suspended_on="2999-01-01"), format="json")
    assert response.status_code == 400
    assert response.json()["suspended_on"] == ["日期不能晚于今天"]  # the shared date rule (core.cells)
    response = yubei.post(URL, valid_payload(town="500101001"), format="json")
    assert response.json()["town"] == ["乡镇街道不属于所选区县"]
    response = yubei.post(URL, valid_payload(employees=10, exposed_workers=11), format="json")
    assert response.json()["exposed_workers"] == ["接害人数不能大于从业人员数"]


def test_read_only_fields_are_ignored_on_create(yubei):
    response = yubei.post(URL, valid_payload(size_class="large", industry_risk="unlisted"), format="json")
    assert response.status_code == 201
    assert response.json()["size_class"] == "small"
    assert response.json()["industry_risk"] != "unlisted"


def test_create_outside_jurisdiction_is_400_with_reason(yubei, enterprises):
    response = yubei.post(
        URL, valid_payload(uscc=make_uscc(WANZHOU), region=WANZHOU, town=None), format="json"
    )
    assert response.status_code == 400
    assert response.json()["uscc"] == ["该统一社会信用代码无法由您登记，请联系市级管理员处理"]
    assert Enterprise.objects.count() == len(enterprises)


def test_enterprise_manager_cannot_create(cast):
    response = bearer_client(cast["manager"]).post(URL, valid_payload(), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["institution", "steward"])
def test_read_only_roles_cannot_create(cast, who):
    response = bearer_client(cast[who]).post(URL, valid_payload(), format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "您的角色无权执行此操作"


def test_put_and_delete_are_not_offered(city, enterprises):
    url = f"{URL}{enterprises['yubei'].uscc}/"
    assert city.put(url, valid_payload(), format="json").status_code == 405
    assert city.delete(url).status_code in {403, 405}  # no role holds delete_enterprise
    assert Enterprise.objects.filter(pk=enterprises["yubei"].pk).exists()


# ---- update --------------------------------------------------------------------------------


def test_patch(yubei, enterprises, cast):
    e = enterprises["yubei"]
    response = yubei.patch(
        f"{URL}{e.uscc}/", {"employees": 400, "revenue": 50000, "address": "新地址"}, format="json"
    )
    assert response.status_code == 200, response.json()
    e.refresh_from_db()
    assert (e.employees, e.address, e.size_class) == (400, "新地址", "medium")
    assert response.json()["size_class"] == "medium"
    entry = AuditLog.objects.filter(
        content_type__model="enterprise", object_id=str(e.pk), action="update"
    ).get()
    assert entry.user == cast["yubei"] and entry.changes["employees"] == [50, 400]


def test_patch_suspension_needs_a_past_date(yubei, enterprises):
    url = f"{URL}{enterprises['yubei'].uscc}/"
    assert yubei.patch(url, {"status": "suspended"}, format="json").json()["suspended_on"] == [
        "停产停业的单位须填写停产停业日期"
    ]
    response = yubei.patch(url, {"status": "suspended", "suspended_on": "2024-05-01"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "suspended"


def test_patch_moving_out_of_jurisdiction_is_refused(yubei, enterprises):
    e = enterprises["yubei"]
    response = yubei.patch(f"{URL}{e.uscc}/", {"region": WANZHOU, "town": None}, format="json")
    assert response.status_code == 400
    assert response.json()["region"] == ["该用人单位不在您的管辖范围内"]
    e.refresh_from_db()
    assert e.region_id == YUBEI


def test_patch_wrong_check_digit(yubei, enterprises):
    e = enterprises["yubei"]
    wrong = e.uscc[:17] + ("0" if e.uscc[17] != "0" else "1")
    response = yubei.patch(f"{URL}{e.uscc}/", {"uscc": wrong}, format="json")
    assert response.json()["uscc"] == [f"校验位错误，应为 {e.uscc[17]}"]


# ---- scope ---------------------------------------------------------------------------------


def test_yubei_officer_cannot_see_wanzhou_employer(yubei, enterprises):
    w = enterprises["wanzhou"]
    assert w.uscc not in usccs(yubei.get(URL))
    assert yubei.get(f"{URL}{w.uscc}/").status_code == 404
    response = yubei.patch(f"{URL}{w.uscc}/", {"name": "改名"}, format="json")
    assert response.status_code == 404
    w.refresh_from_db()
    assert w.name == "重庆万州示例化工有限责任公司"


def test_enterprise_manager_sees_only_own(cast, enterprises):
    client = bearer_client(cast["manager"])
    own = enterprises["yubei"]
    assert usccs(client.get(URL)) == {own.uscc}
    assert client.get(f"{URL}{own.uscc}/").status_code == 200
    assert client.get(f"{URL}{enterprises['yubei2'].uscc}/").status_code == 404
    assert (
        client.patch(f"{URL}{own.uscc}/", {"contact_phone": "023-12345678"}, format="json").status_code == 200
    )
    assert (
        client.patch(f"{URL}{enterprises['yubei2'].uscc}/", {"contact_phone": "1"}, format="json").status_code
        == 404
    )


def test_user_without_role_sees_nothing(db, enterprises):
    from ohsteward.accounts.models import User

    response = bearer_client(User.objects.create_user("nobody", password="x")).get(URL)
    assert response.status_code == 403


# ---- export --------------------------------------------------------------------------------


def read_export(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    return list(sheet.iter_rows(values_only=True))


def test_export_follows_filters_and_scope(yubei, enterprises):
    rows = read_export(yubei.get(f"{URL}export/"))
    assert rows[0][:2] == ("统一社会信用代码", "用人单位名称")
    assert {r[0] for r in rows[1:]} == {enterprises["yubei"].uscc, enterprises["yubei2"].uscc}
    rows = read_export(yubei.get(f"{URL}export/?town=500112002"))
    assert [r[0] for r in rows[1:]] == [enterprises["yubei"].uscc]


def test_export_requires_authentication(cast):
    assert APIClient().get(f"{URL}export/").status_code == 401


# ---- reference endpoints -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("level=zone", {"Z5001", "Z5002", "Z5003"}),
        ("level=city", {"500000"}),
        ("parent=500112&q=双龙湖", {"500112002"}),
    ],
)
def test_regions(city, query, expected):
    results = city.get(f"/api/v1/regions/?{query}&page_size=1000").json()["results"]
    assert {r["code"] for r in results} == expected


def test_regions_by_parent_and_level(city):
    results = city.get("/api/v1/regions/?parent=500112&page_size=1000").json()["results"]
    assert results and all(r["code"].startswith("500112") and r["level"] == "town" for r in results)
    districts = city.get("/api/v1/regions/?level=district&page_size=1000").json()
    assert districts["count"] == Region.objects.filter(level="district").count() > 30


def test_region_detail(city):
    body = city.get("/api/v1/regions/500112/").json()
    assert body == {
        "code": "500112",
        "name": "渝北区",
        "level": "district",
        "level_display": "区县",
        "parent": "500000",
        "source": body["source"],
    }
    assert city.get("/api/v1/regions/123/").status_code == 404


def test_industries(city):
    body = city.get("/api/v1/industries/3311/").json()
    assert body["name"] == Industry.objects.get(code="3311").name and body["section"] == "C"
    serious = city.get("/api/v1/industries/?risk_class=serious&level=class&page_size=1000").json()
    assert serious["count"] == Industry.objects.filter(risk_class="serious", level="class").count() > 0
    assert {r["risk_class"] for r in serious["results"]} == {"serious"}
    assert {r["code"] for r in city.get("/api/v1/industries/?parent=331").json()["results"]} == {
        c for c in Industry.objects.filter(parent="331").values_list("code", flat=True)
    }


def test_reference_endpoints_are_read_only(city):
    assert city.post("/api/v1/regions/", {"code": "1", "name": "x"}, format="json").status_code in {403, 405}
    assert city.patch("/api/v1/industries/3311/", {"name": "x"}, format="json").status_code in {403, 405}
    assert not Region.objects.filter(code="1").exists()
    assert Industry.objects.get(code="3311").name != "x"


def test_reference_endpoints_need_authentication(db):
    assert APIClient().get("/api/v1/regions/").status_code == 401


# ---- workplaces -------------------------------------------------------------------------------


def test_workplaces_are_listed_created_renamed_and_exported_in_scope(yubei, enterprises):
    from ohsteward.registry.models import Workplace
    from ohsteward.registry.tests.factories import WorkplaceFactory

    WorkplaceFactory(enterprise=enterprises["wanzhou"], name="万州车间")
    response = yubei.post(
        "/api/v1/workplaces/", {"enterprise": enterprises["yubei"].uscc, "name": "一车间"}, format="json"
    )
    assert response.status_code == 201, response.data
    pk = response.data["id"]
    response = yubei.post(
        "/api/v1/workplaces/", {"enterprise": enterprises["wanzhou"].uscc, "name": "越权车间"}, format="json"
    )
    assert response.status_code == 400 and "不在您的管辖范围内" in str(response.data["enterprise"])
    assert [w["name"] for w in yubei.get("/api/v1/workplaces/").data["results"]] == ["一车间"]
    response = yubei.patch(f"/api/v1/workplaces/{pk}/", {"name": "二车间", "enterprise": "x"}, format="json")
    assert response.status_code == 200 and response.data["name"] == "二车间"
    assert Workplace.objects.get(pk=pk).enterprise_id == enterprises["yubei"].pk  # the employer stays
    wanzhou_pk = Workplace.objects.get(name="万州车间").pk
    assert yubei.get(f"/api/v1/workplaces/{wanzhou_pk}/").status_code == 404
    response = yubei.get("/api/v1/workplaces/export/", {"q": "二"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["二车间"]


@pytest.mark.django_db
def test_a_manager_cannot_cancel_its_employer_or_change_its_industry_only_request_it(cast, enterprises):
    """An employer that set itself to 注销 would drop off next year's list (issue 6 item 5)."""
    from ohsteward.registry.models import EnterpriseChangeRequest

    e = enterprises["yubei"]
    old_industry = e.industry_id
    api = bearer_client(cast["manager"])
    response = api.patch(
        f"{URL}{e.uscc}/",
        {"status": "cancelled", "cancelled_on": "2026-01-05", "employees": 77, "change_reason": "已停止经营"},
        format="json",
    )
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["enterprise"]["status"] == "active" and body["enterprise"]["employees"] == 77
    assert [(r["field"], r["new_value"], r["status"]) for r in body["change_requests"]] == [
        ("status", {"status": "cancelled", "cancelled_on": "2026-01-05"}, "pending")
    ]
    response = api.patch(f"{URL}{e.uscc}/", {"industry": "2614"}, format="json")
    assert response.status_code == 202 and response.json()["change_requests"][0]["field"] == "industry"
    e.refresh_from_db()
    assert e.status == "active" and e.industry_id == old_industry and e.employees == 77
    assert EnterpriseChangeRequest.objects.filter(enterprise=e, status="pending").count() == 2
    # a district officer's PATCH of the same fields is written at once
    response = bearer_client(cast["yubei"]).patch(f"{URL}{e.uscc}/", {"industry": "2614"}, format="json")
    assert response.status_code == 200 and response.json()["industry"] == "2614"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "\u200b\u200b\u200b", "不能只由空白或不可见字符组成"),
        ("name", "\u200c\ufeff", "不能只由空白或不可见字符组成"),
    ],
)
def test_api_refuses_names_of_invisible_characters(cast, field, value, message):
    from ohsteward.registry.tests.factories import make_uscc

    api = bearer_client(cast["yubei"])
    response = api.post(URL, {"uscc": make_uscc("500112"), "name": value, "region": "500112"}, format="json")
    assert response.status_code == 400 and message in str(response.json())
    assert not Enterprise.objects.filter(name__in=[value, ""]).exists()


@pytest.mark.django_db
def test_api_refuses_implausible_dates_like_the_importer(cast, enterprises):
    from ohsteward.core.cells import CellError, parse_date

    api = bearer_client(cast["yubei"])
    e = enterprises["yubei"]
    response = api.patch(
        f"{URL}{e.uscc}/", {"status": "suspended", "suspended_on": "0001-01-01"}, format="json"
    )
    assert response.status_code == 400 and "日期过早“0001-01-01”" in str(response.json())
    with pytest.raises(CellError, match="日期过早“0001-01-01”"):  # the importer's message, from the same rule
        parse_date("0001-01-01")
    response = api.patch(
        f"{URL}{e.uscc}/", {"status": "suspended", "suspended_on": "2025-03-01"}, format="json"
    )
    assert response.status_code == 200


def test_a_code_registered_in_another_district_reads_like_any_code_the_user_cannot_register(
    yubei, enterprises
):
    """Issue 6 item 17: the message must not tell that the code exists in another district."""
    elsewhere = yubei.post(URL, valid_payload(uscc=enterprises["wanzhou"].uscc), format="json")
    free_but_elsewhere = yubei.post(
        URL, valid_payload(uscc=make_uscc(WANZHOU), region=WANZHOU, town=None), format="json"
    )
    assert elsewhere.status_code == free_but_elsewhere.status_code == 400
    assert (
        elsewhere.json()
        == free_but_elsewhere.json()
        == {"uscc": ["该统一社会信用代码无法由您登记，请联系市级管理员处理"]}
    )
    assert "已登记" not in str(elsewhere.json())
    # an employer the user can see may be named as registered
    assert yubei.post(URL, valid_payload(uscc=enterprises["yubei2"].uscc), format="json").json() == {
        "uscc": ["该统一社会信用代码已登记"]
    }


def test_import_endpoint_answers_202_with_the_job_whose_result_is_the_import(cast, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DATA_DIR = tmp_path
    api = bearer_client(cast["yubei"])
    code = make_uscc(YUBEI)
    content = f"统一社会信用代码,用人单位名称,所属区县\n{code},重庆接口导入有限公司,渝北区\n".encode()
    for dry_run, expected in ((True, False), (False, True)):
        response = api.post(
            "/api/v1/enterprises/import/",
            {"file": SimpleUploadedFile("a.csv", content), "dry_run": dry_run},
            format="multipart",
        )
        assert response.status_code == 202
        body = response.json()
        assert set(body) == {"job", "status_url"} and body["status_url"] == f"/api/v1/jobs/{body['job']}/"
        job = api.get(body["status_url"]).json()
        assert job["kind"] == "registry.import" and job["status"] == "succeeded"
        assert job["result"]["created"] == 1 and Enterprise.objects.filter(uscc=code).exists() is expected
    bad = api.post(
        "/api/v1/enterprises/import/", {"file": SimpleUploadedFile("a.txt", b"x")}, format="multipart"
    )
    assert bad.status_code == 400 and "不支持的文件类型" in bad.json()["file"][0]
    refused = bearer_client(cast["institution"]).post(
        "/api/v1/enterprises/import/", {"file": SimpleUploadedFile("a.csv", content)}, format="multipart"
    )
    assert refused.status_code == 403

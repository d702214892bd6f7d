"""Table tests for the register's pure rules (RULES.md §5, §6, §11.1)."""

from decimal import Decimal

import pytest

from ohsteward.registry import rules


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91350100M000100Y43", None),  # RULES.md worked example
        ("91350100m000100y43", None),  # lower case accepted, normalised
        ("９１３５０１００Ｍ０００１００Ｙ４３", None),  # full-width digits/letters
        ("91350100M000100Y44", "校验位错误，应为 3"),
        ("91350100M000100Y4", "应为18位，实际为17位"),
        ("", "不能为空"),
        ("91350100I000100Y43", "含有不允许的字符：I（不使用I、O、S、V、Z）"),
        ("9135-0100-M000100Y43", None),  # separators are layout, stripped (docs/domain/matching.md)
        ("9135 0100 M000100Y43", None),
        ("913501_00M/000.100Y43", None),
        ("9135-0100-M000100Y44", "校验位错误，应为 3"),
        ("91350100M000100Y43,", "应为18位，实际为19位"),  # a comma is not a separator
    ],
)
def test_uscc_error(code, error):
    assert rules.uscc_error(code) == error
    assert rules.uscc_is_valid(code) is (error is None)


@pytest.mark.parametrize(
    ("written", "clean"),
    [
        ("91350100M000100Y43", "91350100M000100Y43"),
        ("9135-0100-M000100Y43", "91350100M000100Y43"),
        (" ９１３５－０１００ｍ０００１００ｙ４３\u3000", "91350100M000100Y43"),
        ("9135\u20140100M000100Y43", "91350100M000100Y43"),
        ("", ""),
        (None, ""),
    ],
)
def test_uscc_clean_strips_separators_on_input(written, clean):
    assert rules.uscc_clean(written) == clean


@pytest.mark.parametrize(
    ("body8", "check"),
    [
        ("M000100Y", "4"),  # RULES.md §11.1 worked example (GB 11714-1997)
        ("12345678", "8"),  # 1·3+2·7+3·9+4·10+5·5+6·8+7·4+8·2 = 201, 201 mod 11 = 3, 11 − 3 = 8
        ("00000000", "0"),  # Σ = 0 → 11 → written 0
        ("00000006", "X"),  # Σ = 6·2 = 12, 12 mod 11 = 1, 11 − 1 = 10 → written X
    ],
)
def test_org_code_check_char(body8, check):
    assert rules.org_code_check_char(body8) == check


def test_uscc_with_check_completes_valid_codes():
    for body in ["91500112MA5U7K3L0", "12500000450123456", "Y1500103ABCDEFGHJ"]:
        assert rules.uscc_is_valid(rules.uscc_with_check(body))


@pytest.mark.parametrize(
    ("section", "code", "x", "y", "z", "expected"),
    [
        # RULES.md §5 worked examples (工业)
        ("C", "3311", 250, 1500, None, "small"),
        ("C", "3311", 350, 1500, None, "small"),
        ("C", "3311", 15, 5000, None, "micro"),
        ("C", "3311", 1000, 40000, None, "large"),
        ("C", "3311", 999, 40000, None, "medium"),
        ("B", "0610", 300, 2000, None, "medium"),
        ("D", "4411", 20, 300, None, "small"),
        ("C", "3311", None, 5000, None, None),  # an indicator missing and none micro: unknown
        ("C", "3311", None, 100, None, "micro"),  # micro needs only one indicator
        ("A", "0111", None, 20000, None, "large"),
        ("A", "0111", 5, 49.99, None, "micro"),
        ("E", "4710", None, 80000, 80000, "large"),
        ("E", "4710", None, 80000, 4999, "small"),
        ("F", "5111", 200, 40000, None, "large"),
        ("F", "5211", 49, 20000, None, "small"),
        ("G", "5411", 300, 3000, None, "medium"),
        ("G", "5910", 100, 1000, None, "medium"),
        ("G", "6010", 20, 100, None, "small"),
        ("H", "6110", 100, 2000, None, "medium"),
        ("H", "6210", 9, 5000, None, "micro"),
        ("I", "6311", 2000, 100000, None, "large"),
        ("I", "6511", 100, 1000, None, "medium"),
        ("K", "7010", None, 200000, 10000, "large"),
        ("K", "7020", 300, 1000, None, "medium"),
        ("L", "7111", 300, None, 120000, "large"),
        ("M", "7310", 99, None, None, "small"),
        ("Q", "8411", 300, None, None, "large"),
    ],
)
def test_size_class(section, code, x, y, z, expected):
    y = Decimal(str(y)) if y is not None else None
    assert rules.size_class(section, code, employees=x, revenue=y, total_assets=z) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("重庆华鑫机械（集团）有限责任公司", "重庆华鑫机械(集团)有限公司"),
        ("重庆 华鑫 机械有限公司", "重庆华鑫机械有限公司"),
        ("ＡＢＣ科技有限公司", "abc科技有限公司"),
        ("重庆华鑫机械【渝北】有限公司", "重庆华鑫机械(渝北)有限公司"),
    ],
)
def test_normalize_name_equates_variants(a, b):
    assert rules.normalize_name(a) == rules.normalize_name(b)


def test_name_core_drops_city_prefix_but_keeps_branches_distinct():
    assert rules.name_core("重庆市华鑫机械有限公司") == rules.name_core("华鑫机械有限公司")
    assert rules.name_core("华鑫机械有限公司渝北分公司") != rules.name_core("华鑫机械有限公司")


CATALOGUE = [
    rules.RiskEntry("171", "serious"),
    rules.RiskEntry("103", "general"),
    rules.RiskEntry("031", "serious", "牛、羊"),
    rules.RiskEntry("031", "general", "其他"),
    rules.RiskEntry("5265", "general"),
    rules.RiskEntry("231", "serious", footnote=True),
]


@pytest.mark.parametrize(
    ("code", "risk", "note_part"),
    [
        ("1711", "serious", ""),
        ("1030", "general", ""),
        ("0311", "serious", "牛、羊：严重；其他：一般"),
        ("5265", "general", ""),
        ("5264", "unlisted", ""),  # only F5265/F5266 of F526 are listed
        ("2311", "serious", "按一般管理"),
        ("6511", "unlisted", ""),
    ],
)
def test_industry_risk(code, risk, note_part):
    got, note = rules.industry_risk(code, CATALOGUE)
    assert got == risk
    assert note_part in note


@pytest.mark.django_db
def test_loaded_catalogue_spot_checks():
    """SOURCES.md spot checks against the loaded reference data."""
    from ohsteward.registry.models import Industry, Region

    assert Industry.objects.get(code="1711").risk_class == "serious"  # C171 棉纺织 严重
    assert Industry.objects.get(code="1030").risk_class == "general"  # B103 采盐 一般
    assert Industry.objects.get(code="3741").name == "飞机制造"  # source defect fixed
    assert Industry.objects.get(code="7010").risk_class == "unlisted"
    assert Region.objects.filter(level="district").count() == 38
    assert Region.objects.filter(level="town").count() == 1031
    assert set(Region.objects.filter(level="zone").values_list("name", flat=True)) == {
        "两江新区",
        "西部科学城重庆高新区",
        "万盛经开区",
    }


BUS_GROUP = [rules.RiskEntry("541", "general", "城市轨道交通")]
BUS_CLASSES = {"5411": "公共电汽车客运", "5412": "城市轨道交通", "5413": "出租车客运"}


@pytest.mark.parametrize(
    ("code", "risk", "note"),
    [
        ("5412", "general", ""),  # the 小类 the condition names is listed, with no condition left
        ("5411", "unlisted", ""),  # a bus company is not "城市轨道交通：一般" (issue 8 item 18)
        ("5413", "unlisted", ""),
    ],
)
def test_a_group_condition_naming_one_class_lists_only_that_class(code, risk, note):
    assert rules.industry_risk(code, BUS_GROUP, BUS_CLASSES) == (risk, note)


def test_without_class_names_a_group_condition_stays_a_note():
    assert rules.industry_risk("5411", BUS_GROUP) == ("general", "城市轨道交通：一般")


ZONE_TOWNS = {"Z5001": frozenset({"500112009"}), "Z5003": frozenset({"500110004"})}


@pytest.mark.parametrize(
    ("zone", "town", "error"),
    [
        (None, "500101001", None),
        ("Z5001", "500112009", None),
        ("Z5001", None, "填写功能区时须同时填写乡镇街道（功能区按乡镇街道划定）"),
        ("Z5001", "500101001", "所选乡镇街道不在该功能区范围内"),
        ("Z5003", "500112009", "所选乡镇街道不在该功能区范围内"),
    ],
)
def test_zone_contains_the_town_of_its_employers(zone, town, error):
    assert rules.zone_town_error(zone, town, ZONE_TOWNS) == error


@pytest.mark.django_db
def test_zone_town_reference_data_names_existing_towns_of_the_right_districts():
    from ohsteward.registry.models import Region
    from ohsteward.registry.refdata import zone_of_town, zone_towns, zone_towns_unverified

    towns = zone_towns()
    assert set(towns) == {"Z5001", "Z5002", "Z5003"}
    codes = set().union(*towns.values())
    assert Region.objects.filter(code__in=codes, level="town").count() == len(codes)
    assert {c[:6] for c in towns["Z5003"]} == {"500110"}  # 万盛经开区 lies in 綦江区
    assert zone_of_town("500112009") == "Z5001" and zone_of_town("500101001") is None
    assert zone_towns_unverified()  # v1 is marked 未核对 until checked against the official lists


@pytest.mark.parametrize(
    ("name", "cleaned", "error"),
    [
        ("\u200b\u200b\u200b", "", "不能只由空白或不可见字符组成"),
        ("\u200c\u200d\ufeff\u2060", "", "不能只由空白或不可见字符组成"),
        ("\u3164\u2800", "", "不能只由空白或不可见字符组成"),
        ("  ", "", "不能为空"),
        ("", "", "不能为空"),
        ("重庆\u200b甲公司", "重庆甲公司", None),
        (" 重庆  甲公司 ", "重庆 甲公司", None),
    ],
)
def test_names_made_only_of_invisible_characters_are_refused(name, cleaned, error):
    assert rules.clean_name(name) == cleaned
    assert rules.name_error(name) == error


def test_invisible_characters_do_not_make_two_names_differ():
    assert rules.normalize_name("重庆\u200b甲\u200d公司") == rules.normalize_name("重庆甲公司")

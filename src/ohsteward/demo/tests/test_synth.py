"""The generated register looks like Chongqing: names fit their industries, no seaside
industries, addresses name the district and town (issue 8 item 19)."""

from __future__ import annotations

import pytest

from ohsteward.demo.synth import enterprise_rows, load_world, trade_word


@pytest.mark.parametrize(
    ("industry", "word"),
    [
        ("客运索道制造", "客运索道"),
        ("汽车零部件及配件制造", "汽车零部件"),
        ("其他建筑安装业", "建筑安装"),
        ("公共电汽车客运", "公共电汽车客运"),
        ("水泥制造", "水泥"),
    ],
)
def test_trade_word_is_the_industry_part_of_a_company_name(industry, word):
    assert trade_word(industry) == word


@pytest.mark.django_db
def test_generated_names_fit_their_industry_and_addresses_name_real_places():
    world = load_world()
    rows = list(enterprise_rows(300, seed=3, world=world))
    for row in rows:
        industry = world.industry_names[row["industry_id"]]
        assert trade_word(industry) in row["name"], (row["name"], industry)
        assert "海" not in industry and "沿海" not in industry
        district = world.region_names[row["region_id"]]
        assert row["address"].startswith(f"重庆市{district}")
        if row["town_id"]:
            assert world.region_names[row["town_id"]] in row["address"]

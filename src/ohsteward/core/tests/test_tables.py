"""core.tables: one Column list for the page and the export; sorting only where declared."""

from __future__ import annotations

from types import SimpleNamespace

from ohsteward.core.tables import Column, Table, resolve


class People(Table):
    list_columns = ("name", "city")
    columns = [
        Column("姓名", "name", sortable="name"),
        Column("城市", "home.city", key="city", format=lambda v: v or "未知"),
        Column("年龄", "age", sortable="age"),
        Column("内部", "secret", export=False),
    ]


def person(**kw):
    return SimpleNamespace(
        **{"name": "张三", "home": SimpleNamespace(city="重庆"), "age": 30, "secret": "x", **kw}
    )


def test_dotted_accessors_stop_at_none():
    assert resolve(person(home=None), "home.city") is None
    assert People.columns[1].value(person(home=None)) == "未知"


def test_list_shows_the_listed_columns_and_export_all_exported_ones():
    assert [c.header for c in People.shown_columns()] == ["姓名", "城市"]
    assert People.export_header() == [("name", "姓名"), ("city", "城市"), ("age", "年龄")]


def test_sort_accepts_only_sortable_columns_on_the_page():
    assert People.sort_fields("name") == ["name", "pk"]
    assert People.sort_fields("-name") == ["-name", "-pk"]
    assert People.sort_fields("age") is None  # sortable, but not a column of the page
    assert People.sort_fields("city") is None and People.sort_fields("secret") is None


def test_cells_are_escaped():
    [(_, cells)] = People.html_rows([person(name="<b>x</b>")])
    assert str(cells[0][1]) == "&lt;b&gt;x&lt;/b&gt;"

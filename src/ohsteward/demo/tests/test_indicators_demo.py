"""The indicators on the demo data: every figure agrees with its drill-down, the targets give a
spread of met and missed, and the bulletin generated from them carries the computed ranking and
each district's unmet targets (read back with python-docx)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from docx import Document

from ohsteward.accounts.models import User
from ohsteward.indicators import figures, reports
from ohsteward.indicators.queries import Area
from ohsteward.indicators.records import part_records
from ohsteward.indicators.rules import parse_period

YUBEI = "500112"


@pytest.fixture
def demo():
    call_command("demo", "--no-serve", "--enterprises", "400", "--seed", "2", stdout=io.StringIO())
    return User.objects.get(username="city")


@pytest.mark.django_db
@pytest.mark.usefixtures("no_cast")
def test_on_the_demo_data_figures_agree_with_their_records_and_the_bulletin_with_the_figures(demo):
    city = demo
    year = parse_period(str(timezone.localdate().year))  # the demo populates the current year
    checked = 0
    for area in (Area("city"), Area("district", YUBEI)):
        for f in figures.table(city, area, year):
            if f.no_data or f.entered_note or f.numerator is None:
                continue
            records = part_records(f.indicator, "numerator", city, area, year)
            assert f.numerator == records.count() == len(list(records.values_list("pk", flat=True))), (
                f.indicator.code,
                area,
            )
            checked += 1
    assert checked >= 20

    data = reports.report_data(city, year)
    met = [f.met for _c, _n, figs in data.districts for f in figs]
    assert met.count(True) > 0 and met.count(False) > 0  # a spread of met and missed targets

    doc = Document(io.BytesIO(reports.report_docx(data)))
    ranking = next(t for t in doc.tables if t.rows[0].cells[0].text == "名次")
    expected = sorted(
        (
            (name, sum(f.met is True for f in figs), sum(f.met is False for f in figs))
            for _c, name, figs in data.districts
        ),
        key=lambda r: (-r[1], r[2], r[0]),
    )
    assert [[c.text for c in r.cells][:4] for r in ranking.rows[1:]] == [
        [str(n), name, str(a), str(b)] for n, (name, a, b) in enumerate(expected, start=1)
    ]
    text = [p.text for p in doc.paragraphs]
    section = text[text.index("四、各区县未达标指标") + 1 :]
    section = section[: next(i for i, t in enumerate(section) if t.startswith(("五、", "请各区县")))]
    listed = {line.split("：", 1)[0]: line.split("：", 1)[1] for line in section if line}
    for _c, name, figs in data.districts:
        unmet = [f for f in figs if f.met is False]
        if not unmet:
            assert name not in listed
            continue
        items = listed[name].rstrip("。").split("；")
        assert [i.split("（目标")[0] for i in items] == [f"{f.indicator.name}{f.display}" for f in unmet]

"""Demo report cards (issue 9 item 3): the detection reports and exam batches of the demo have
created their cards "missing" (monitoring/cards.py, surveillance/exams/cards.py); here the
institutions file most of them — green-graded institutions on time, yellow ones with some late,
red ones leaving many missing — and the year's grades are computed again with the reporting rate
and timeliness. Runs after the monitoring and exam demo data."""

from __future__ import annotations

import datetime as dt
import random

from ohsteward.institutions import actions
from ohsteward.institutions.models import InstitutionGrade, ReportCard

# colour -> (share left missing, share filed late)
PROFILE = {"green": (0.0, 0.05), "yellow": (0.15, 0.3), "red": (0.4, 0.3)}


def populate(*, year: int, today: dt.date, seed: int) -> dict[str, int]:
    if ReportCard.objects.filter(reported_on__isnull=False).exists():
        return {}
    rng = random.Random(f"cards:{seed}")
    colours = dict(InstitutionGrade.objects.filter(year=year).values_list("institution_id", "colour"))
    counts = {"on_time": 0, "late": 0, "missing": 0}
    cards = ReportCard.objects.filter(reported_on__isnull=True).select_related("institution").order_by("pk")
    for card in cards:
        missing, late = PROFILE.get(colours.get(card.institution_id, "yellow"), PROFILE["yellow"])
        draw = rng.random()
        if draw < missing:
            counts["missing"] += 1
            continue
        if draw < missing + late and card.due_on < today:
            on = min(today, card.due_on + dt.timedelta(days=rng.randint(1, 20)))
            counts["late"] += 1
        else:
            on = min(today, card.performed_on + dt.timedelta(days=rng.randint(1, 25)))
            if on > card.due_on:  # the 30-day rule may be shorter one day: keep it on time
                on = card.due_on
            counts["on_time"] += 1
        actions.card_file(
            user=None,
            institution=card.institution,
            kind=card.kind,
            activity_app=card.activity_app,
            activity_id=card.activity_id,
            reported_on=on,
        )
    actions.grades_compute(user=None, year=year)
    return counts

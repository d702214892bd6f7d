"""The shared date widget renders ISO dates whatever the active locale (issue 8 item 11)."""

import datetime as dt

from django.utils import timezone, translation

from ohsteward.core.widgets import DateInput
from ohsteward.intake.forms import UploadForm


def test_date_input_renders_iso_dates_under_the_chinese_locale():
    with translation.override("zh-hans"):
        html = DateInput().render("d", dt.date(2026, 12, 2))
    assert 'value="2026-12-02"' in html and 'type="date"' in html


def test_intake_upload_form_shows_todays_receipt_date_in_a_date_input():
    with translation.override("zh-hans"):
        html = str(UploadForm()["received_on"])
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in html

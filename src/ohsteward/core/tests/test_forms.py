"""Filter forms say "全部" for "no filter" (issue 8 item 18), whatever kind of choice field they hold."""

from __future__ import annotations

import importlib

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.conf import settings

from ohsteward.core.forms import FilterForm, FilterFormMixin


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


class _Plain(FilterFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=[("a", "甲"), ("b", "乙")], required=False)
    blank_first = forms.ChoiceField(choices=[("", "---------"), ("a", "甲")], required=False)
    required = forms.ChoiceField(choices=[("a", "甲")])
    declared = forms.NullBooleanField(required=False)


@pytest.mark.django_db
def test_plain_filter_form_offers_all_as_its_empty_choice():
    html = str(_Plain())
    assert "---------" not in html and "未知" not in html and "Unknown" not in html
    form = _Plain()
    assert list(form.fields["kind"].choices)[0] == ("", "全部")
    assert [c for c in form.fields["blank_first"].choices if c[0] == ""] == [("", "全部")]
    assert list(form.fields["required"].choices) == [("a", "甲")]  # a required choice has no "all"
    assert form.fields["declared"].widget.choices[0] == ("unknown", "全部")


@pytest.mark.django_db
def test_every_filterset_renders_all_instead_of_dashes():
    importlib.import_module(settings.ROOT_URLCONF)  # every view module, with the FilterSets defined there
    for config in apps.get_app_configs():
        if config.name.startswith("ohsteward."):
            try:
                importlib.import_module(f"{config.name}.filtersets")
            except ModuleNotFoundError:
                pass
    filtersets = [
        f
        for f in _subclasses(django_filters.FilterSet)
        if f.__module__.startswith("ohsteward.") and f._meta.model is not None
    ]  # not abstract bases
    assert len(filtersets) >= 5
    for filterset in filtersets:
        assert issubclass(filterset._meta.form, FilterForm), filterset.__name__
        html = str(filterset().form)
        assert "---------" not in html and "未知" not in html, filterset.__name__

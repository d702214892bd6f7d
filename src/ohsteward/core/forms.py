"""Form helpers shared by the apps.

``FilterFormMixin``: a filter form's empty choice reads "全部" (all), not Django's "---------" nor
"未知" for a yes/no filter. Every filter form uses it: plain forms inherit it, django-filter
FilterSets name ``FilterForm`` as their ``Meta.form``.
"""

from __future__ import annotations

from typing import Any

from django import forms

EMPTY_LABEL = "全部"


class FilterFormMixin:
    """Sets the empty label of every optional choice field of a filter form to ``EMPTY_LABEL``.

    A form that sets choices in its own ``__init__`` calls ``label_empty_choices()`` afterwards.
    """

    empty_label = EMPTY_LABEL

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_empty_choices()

    fields: dict[str, Any]

    def label_empty_choices(self) -> None:
        for field in self.fields.values():
            if isinstance(field.widget, forms.NullBooleanSelect):
                field.widget.choices = [
                    (v, self.empty_label if v == "unknown" else label) for v, label in field.widget.choices
                ]
            elif getattr(field, "empty_label", None) is not None:
                # ModelChoiceField and django-filter's ChoiceField read empty_label as they render
                field.empty_label = self.empty_label
                field.widget.choices = field.choices
            elif isinstance(field, forms.ChoiceField) and not field.required:
                choices = [(v, label) for v, label in field.choices if v not in ("", None)]  # type: ignore[union-attr,misc]
                field.choices = [("", self.empty_label), *choices]


class FilterForm(FilterFormMixin, forms.Form):
    """The form class of every FilterSet (``class Meta: form = FilterForm``)."""

"""Audit entries as people read them: field labels, choice labels and names instead of keys."""

from __future__ import annotations

from django.apps import apps

SOURCE_LABELS = {
    "web": "网页",
    "api": "API",
    "import": "导入",
    "cli": "命令行",
    "admin": "管理后台",
    "system": "系统",
    "synth": "模拟数据",
    "demo": "演示数据",
    "refdata": "参考数据",
    "job": "后台任务",
}
# Entries that are not model fields (written by actions): what a district official reads.
CHANGE_LABELS = {
    "summary": "生成结果",
    "pushed_to_district": "下发到区县",
    "merged_into": "合并到",
    "merged_from": "由以下单位合并而来",
    "moved_records": "随合并移动的记录",
    "merged_entry": "合并的名单条目",
    "declaration_skipped": "未记录为申报",
    "unlocked": "解除登录锁定",
}
# Keys inside a structured value (a dict), in words.
VALUE_KEYS = {
    "district": "区县",
    "due_on": "核实期限",
    "total": "共计",
    "created": "新增",
    "updated": "更新",
    "removed": "移出",
    "excluded": "排除",
    "count": "数量",
    "year": "年度",
    "reason": "原因",
}
# Foreign keys whose target is shown by name in the trail (their __str__ needs no further query).
NAMED_TARGETS = {
    "registry.region",
    "registry.industry",
    "registry.enterprise",
    "registry.workplace",
    "hazards.hazardfactor",
    "accounts.user",
}


def _key_order(item) -> tuple[int, str]:
    order = list(VALUE_KEYS)
    return (order.index(item[0]) if item[0] in order else len(order), str(item[0]))


class ChangeDescriber:
    """Turns audit entries into rows of (field label, old, new) with Chinese labels and names.

    Foreign-key values are stored as keys; the targets named in ``NAMED_TARGETS`` are fetched in
    one query per model for a whole page of entries, so the trail reads "渝北区 → 万州区".
    """

    def __init__(self, entries):
        self.entries = list(entries)
        self.fields: dict[int, dict] = {}
        wanted: dict[type, set] = {}
        for e in self.entries:
            for name, pair in (e.changes or {}).items():
                field = self._fields(e).get(name)
                if field is not None and field.is_relation and field.related_model is not None:
                    label = field.related_model._meta.label_lower
                    if label in NAMED_TARGETS and isinstance(pair, list):
                        wanted.setdefault(field.related_model, set()).update(
                            v for v in pair if v not in (None, "")
                        )
        self.names = {
            model: {str(k): str(v) for k, v in model._default_manager.in_bulk(list(ids)).items()}
            for model, ids in wanted.items()
        }

    def _fields(self, entry) -> dict:
        ct_id = entry.content_type_id
        if ct_id not in self.fields:
            model = entry.content_type.model_class()
            self.fields[ct_id] = {f.name: f for f in model._meta.concrete_fields} if model else {}
        return self.fields[ct_id]

    def _region_name(self, code: str) -> str:
        if not hasattr(self, "_regions"):
            region = apps.get_model("registry", "Region")  # by label: core imports no domain app
            self._regions = dict(region.objects.values_list("code", "name"))
        return self._regions.get(code, code)

    def _plain(self, key: str, value) -> str:
        """A value inside a structured change, in words (区县 codes by name, labels for keys)."""
        if isinstance(value, dict):
            return (
                "；".join(
                    f"{VALUE_KEYS.get(k, CHANGE_LABELS.get(k, k))}：{self._plain(k, v)}"
                    # a stable order (PostgreSQL's jsonb does not keep the written one): known keys first
                    for k, v in sorted(value.items(), key=_key_order)
                )
                or "（空）"
            )
        if isinstance(value, list):
            return "、".join(self._plain(key, v) for v in value) or "（空）"
        if value is None or value == "":
            return "（空）"
        if isinstance(value, bool):
            return "是" if value else "否"
        if key in ("district", "region") and isinstance(value, str):
            return self._region_name(value)
        return str(value)

    def _shown(self, field, value) -> str:
        if value is None or value == "":
            return "（空）"
        if isinstance(value, dict):
            return self._plain("", value)
        if field is not None:
            if field.choices:
                return str(dict(field.flatchoices).get(value, value))
            if field.is_relation and field.related_model in self.names:
                return self.names[field.related_model].get(str(value), str(value))
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, list):
            return "、".join(str(v) for v in value) or "（空）"
        return str(value)

    def type_label(self, entry) -> str:
        model = entry.content_type.model_class()
        return str(model._meta.verbose_name) if model else entry.content_type.model

    def rows(self, entry) -> list[tuple[str, str, str]]:
        fields = self._fields(entry)
        out = []
        for name, pair in (entry.changes or {}).items():
            old, new = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            field = fields.get(name)
            label = str(field.verbose_name) if field is not None else CHANGE_LABELS.get(name, name)
            out.append((label, self._shown(field, old), self._shown(field, new)))
        return out

    @staticmethod
    def who(entry) -> str:
        """The person by display name (the login name only when there is none)."""
        user = entry.user if entry.user_id else None
        return (
            (getattr(user, "display_name", "") or entry.user_repr or "系统")
            if user
            else (entry.user_repr or "系统")
        )

    def __iter__(self):
        for e in self.entries:
            e.who = self.who(e)
            yield e, self.type_label(e), self.rows(e), SOURCE_LABELS.get(e.source, e.source)

"""Self-inspection evidence: the one pre-filled link per item (``record_label``/``record_url``)
becomes any number of ``AnswerRecord`` rows (issue 13 item 2: declarations, detection reports,
exams and training records pre-filled; the manager removes or adds links). Existing links are
copied over before the two fields go."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_single_links(apps, schema_editor):
    Answer = apps.get_model("supervision", "SelfInspectionAnswer")
    AnswerRecord = apps.get_model("supervision", "AnswerRecord")
    rows = Answer.objects.exclude(record_url="").values_list(
        "pk", "item__evidence_hint", "record_label", "record_url"
    )
    AnswerRecord.objects.bulk_create(
        AnswerRecord(answer_id=pk, kind=hint, label=label[:200] or url[:200], url=url)
        for pk, hint, label, url in rows.iterator()
    )


def copy_back(apps, schema_editor):
    Answer = apps.get_model("supervision", "SelfInspectionAnswer")
    AnswerRecord = apps.get_model("supervision", "AnswerRecord")
    for record in AnswerRecord.objects.order_by("-pk"):  # the first link of each answer wins
        Answer.objects.filter(pk=record.answer_id).update(record_label=record.label, record_url=record.url)


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0005_cross9_crosscheck_findings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AnswerRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "kind",
                    models.CharField(
                        blank=True,
                        help_text="the item's evidence hint",
                        max_length=20,
                        verbose_name="记录类型",
                    ),
                ),
                ("label", models.CharField(max_length=200, verbose_name="引用记录")),
                ("url", models.CharField(max_length=300, verbose_name="引用记录链接")),
                (
                    "added_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="添加人",
                    ),
                ),
                (
                    "answer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="records",
                        to="supervision.selfinspectionanswer",
                        verbose_name="条目结果",
                    ),
                ),
            ],
            options={
                "verbose_name": "自查引用记录",
                "verbose_name_plural": "自查引用记录",
                "ordering": ["answer", "pk"],
            },
        ),
        migrations.RunPython(copy_single_links, copy_back, elidable=True),
        migrations.RemoveField(
            model_name="selfinspectionanswer",
            name="record_label",
        ),
        migrations.RemoveField(
            model_name="selfinspectionanswer",
            name="record_url",
        ),
    ]

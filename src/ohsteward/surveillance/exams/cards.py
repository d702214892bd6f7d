"""The 个案卡 each exam batch and each diagnosis owes (issue 9 item 3).

institutions sits below surveillance; this module (surveillance importing institutions, which the
layers allow) creates the expected card, "missing" until the institution files it, through
``institutions.actions.card_expect``: a 职业健康检查个案卡 for every exam batch (one upload for one
employer), due from the upload date, and a 职业病诊断个案卡 for every case once it has a diagnosis
date and the diagnosis institution it was referred to. Connected in ``SurveillanceConfig.ready()``.
"""

from __future__ import annotations

from django.db.models.signals import post_save
from django.utils import timezone

from ohsteward.institutions import actions as institution_actions
from ohsteward.institutions.choices import CardKind
from ohsteward.surveillance.exams.models import DiseaseCase, ExamBatch

BATCH = "surveillance.exambatch"
CASE = "surveillance.diseasecase"


def _batch_card(batch: ExamBatch) -> dict:
    return {
        "activity_id": batch.pk,
        "institution_id": batch.institution_id,
        "performed_on": timezone.localdate(batch.created_at),
        "label": f"体检批次 {batch.pk}" + (f"（{batch.filename}）" if batch.filename else ""),
    }


def expect_batch_card(batch: ExamBatch) -> None:
    institution_actions.card_expect(
        kind=CardKind.EXAM_CASE, activity_app=BATCH, enterprise_id=batch.enterprise_id, **_batch_card(batch)
    )


def expect_batch_cards(batches: list[ExamBatch]) -> None:
    """The cards of batches written in bulk (the exam import: no ``post_save``), together."""
    institution_actions.cards_expect_new(
        kind=CardKind.EXAM_CASE,
        activity_app=BATCH,
        expected=[{**_batch_card(b), "enterprise": b.enterprise} for b in batches],
    )


def expect_case_card(case: DiseaseCase) -> None:
    if case.diagnosed_on is None or case.referred_to_id is None:
        return
    institution_actions.card_expect(
        kind=CardKind.DIAGNOSIS_CASE,
        activity_app=CASE,
        activity_id=case.pk,
        institution_id=case.referred_to_id,
        enterprise_id=case.worker.enterprise_id,
        performed_on=case.diagnosed_on,
        label=f"职业病诊断 {case.pk}",
    )


def _on_batch(sender, instance: ExamBatch, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        expect_batch_card(instance)


def _on_case(sender, instance: DiseaseCase, raw: bool = False, **kwargs) -> None:
    if not raw:
        expect_case_card(instance)


def connect() -> None:
    post_save.connect(_on_batch, sender=ExamBatch, dispatch_uid="surveillance.cards.batch")
    post_save.connect(_on_case, sender=DiseaseCase, dispatch_uid="surveillance.cards.case")

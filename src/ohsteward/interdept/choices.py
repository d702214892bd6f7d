"""Choices of the other departments' lists, with their Chinese labels."""

from __future__ import annotations

from django.db import models


class RecognitionLevel(models.TextChoices):
    """The level of the body that named a 健康企业."""

    NATIONAL = "national", "国家级"
    CITY = "city", "市级"
    DISTRICT = "district", "区县级"


class PersonAwardKind(models.TextChoices):
    """Recognitions of people (individual, not employer): 职业健康达人 (国家卫生健康委 and the
    provinces' 职业健康达人 campaign) and 安康之星 (trade unions' 安康杯 competition)."""

    HEALTH_EXPERT = "health_expert", "职业健康达人"
    ANKANG_STAR = "ankang_star", "安康之星"

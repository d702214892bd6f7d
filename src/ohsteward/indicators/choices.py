from django.db import models


class Direction(models.TextChoices):
    HIGHER = "higher", "越高越好"
    LOWER = "lower", "越低越好"


class Unit(models.TextChoices):
    PERCENT = "%", "%"
    COUNT = "count", "个（家）"
    PERSONS = "persons", "人"


class Level(models.TextChoices):
    CITY = "city", "全市"
    DISTRICT = "district", "区县"


class PeriodKind(models.TextChoices):
    YEAR = "year", "年"
    QUARTER = "quarter", "季度"
    MONTH = "month", "月"

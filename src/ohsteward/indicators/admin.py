from django.contrib import admin

from ohsteward.indicators.models import Indicator, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "group",
        "unit",
        "direction",
        "numerator",
        "denominator",
        "verified",
        "active",
    )
    list_filter = ("group", "active", "verified")
    search_fields = ("code", "name")
    inlines = [TargetInline]

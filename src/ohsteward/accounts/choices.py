from django.db import models


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", "市卫生健康委"
    DISTRICT_ADMIN = "district_admin", "区县卫生健康委"
    CDC_STAFF = "cdc_staff", "疾控中心"
    INSTITUTION_STAFF = "institution_staff", "技术服务机构"
    STEWARD_MEMBER = "steward_member", "管家服务团队成员"
    ENTERPRISE_MANAGER = "enterprise_manager", "用人单位管理人员"
    # the worker reads their own monitoring file (职业病防治法 第36条; issue 12 item 9)
    WORKER = "worker", "劳动者本人"

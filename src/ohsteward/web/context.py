"""Template context: the navigation a user's role may use."""

from __future__ import annotations

from ohsteward.accounts.access import jurisdiction


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    items = [("web:home", "首页")]
    if user.has_perm("registry.view_enterprise"):
        items.append(("registry:enterprise_list", "用人单位"))
    if user.has_perm("declarations.view_hazardlistentry"):
        items.append(("declarations:home", "申报扩面"))
    if user.has_perm("core.view_auditlog"):
        items.append(("web:audit_list", "审计日志"))
    return {"nav": items, "jurisdiction": jurisdiction(user)}

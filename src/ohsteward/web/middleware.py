"""Web middleware: a user holding a temporary password changes it before doing anything else."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


class ForcePasswordChangeMiddleware:
    """Send users whose ``must_change_password`` is set to the password-change page.

    Only that page, logout and static files stay reachable; API calls with the session answer 403
    with the reason (API tokens of such a user are refused the same way by ``api.auth``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            change = reverse("accounts:password_change")
            allowed = (change, reverse("web:logout"), "/static/")
            if not request.path.startswith(allowed):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "请先在网页上修改临时密码"}, status=403)
                target = request.get_full_path() if request.method == "GET" else ""
                return redirect(
                    f"{change}?{urlencode({'next': target})}" if target and target != "/" else change
                )
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Send ``Content-Security-Policy`` (settings.OHSTEWARD_CSP) with a fresh nonce per response.

    Pages load only this site's scripts (vendored htmx, ECharts, app.js); the few inline blocks carry
    ``nonce="{{ request.csp_nonce }}"``. Inline event handlers (``onclick=``) are refused by the
    browser, so behaviours are declared with data attributes (static/app.js). Inline *styles* are
    still allowed: style attributes cannot carry a nonce and cannot run code.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce
        response = self.get_response(request)
        policy = settings.OHSTEWARD_CSP
        if policy and "Content-Security-Policy" not in response:
            header = (
                "Content-Security-Policy-Report-Only"
                if settings.OHSTEWARD_CSP_REPORT_ONLY
                else "Content-Security-Policy"
            )
            response[header] = policy.replace("{nonce}", nonce)
        return response

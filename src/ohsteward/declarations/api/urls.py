"""Router entries of the declarations API; the project router (api/urls.py) registers them."""

from __future__ import annotations

from ohsteward.declarations.api.views import DeclarationViewSet, HazardEmployerViewSet

# (prefix, viewset, basename)
DECLARATION_ROUTES = [
    ("hazard-employers", HazardEmployerViewSet, "hazard-employer"),
    ("declarations", DeclarationViewSet, "declaration"),
]


def register(router) -> None:
    """Register the declarations viewsets on the project router: ``declarations_urls.register(router)``."""
    for prefix, viewset, basename in DECLARATION_ROUTES:
        router.register(prefix, viewset, basename=basename)

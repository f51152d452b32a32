"""The OAuth2/OIDC validator: a disabled resource is refused, the ID token carries only what the
resource's policy allows (G-9, HSC-2/13).

django-oauth-toolkit calls `get_oidc_claims` for both the ID token and the userinfo endpoint, so
one override governs both. The subject is pairwise per resource (see `ClientPolicy.subject_for`).
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from . import selectors, services


class PolicyValidator(OAuth2Validator):
    def _load_application(self, client_id: str, request: Any) -> Any:
        application = super()._load_application(client_id, request)
        if application is not None and not selectors.client_enabled(application):
            request.client = None
            return None
        return application

    def validate_bearer_token(self, token: str, scopes: list[str], request: Any) -> bool:
        if not super().validate_bearer_token(token, scopes, request):
            return False
        # Tokens issued before the resource was disabled stop working at once.
        return request.client is None or selectors.client_enabled(request.client)

    def get_oidc_claims(self, token: Any, token_handler: Any, request: Any) -> dict[str, Any]:
        return selectors.claims_for(
            user=request.user, application=request.client, granted_scopes=list(request.scopes)
        )

    def get_discovery_claims(self, request: Any) -> list[str]:
        return list(selectors.SUPPORTED_CLAIMS)

    def get_id_token_dictionary(self, token: Any, token_handler: Any, request: Any) -> Any:
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        services.claims_released(user=request.user, application=request.client, claims=claims)
        return claims, expiration

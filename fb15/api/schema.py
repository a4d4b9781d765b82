"""How the OpenAPI schema describes our authentication (drf-spectacular extensions).

Imported in fb15's AppConfig.ready(), so drf-spectacular finds the extensions.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "fb15.api.auth.TokenAuthentication"
    name = "zugangstoken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Persönliches Zugangstoken (fb15_…), anzulegen unter „Zugangstokens“.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "fb15.api.auth.SessionAuthentication"
    name = "sitzung"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}

"""The JSON API's shared parts (`/api/v1/`): authentication by session or personal access
token, the restricted base viewset, filters, cursor pagination, throttling and errors.

Each app keeps its own endpoints in `<app>/api/` (serializers and views), built on these,
so every endpoint reads through `restrict()` and writes through the app's services.
"""

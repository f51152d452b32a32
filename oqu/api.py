"""The HTTP API under /api/v1/ (G-5.2): one NinjaAPI assembled from each app's router."""

from ninja import NinjaAPI

api = NinjaAPI(title="Oqu API", version="1", urls_namespace="api")

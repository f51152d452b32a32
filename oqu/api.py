"""The HTTP API under /api/v1/ (G-5.2): one NinjaAPI assembled from each app's router."""

from ninja import NinjaAPI

from oqu.apikit import AUTH, install_error_handlers

api = NinjaAPI(
    title="Oqu API",
    version="1",
    description="The national education platform: hierarchy, people, access. Errors: {code, message, fields}.",
    auth=AUTH,
    urls_namespace="api",
)
install_error_handlers(api)


def _mount() -> None:
    from importlib import import_module

    for app in ("orgs", "people", "access"):
        try:
            module = import_module(f"oqu.{app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"oqu.{app}.api":
                raise
            continue
        api.add_router(f"/{app}", module.router)


_mount()

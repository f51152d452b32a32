"""The installable web app (PWA) that stands in for a mobile app for learners and parents.

O456 asks for a mobile application "if there is one", free for learners and parents; a PWA gives
the same: installable from the browser on any phone, no store, no download from us (G-5.3), no
advertising. The service worker caches only the static assets and one offline page — never a page
with personal data, so a shared phone keeps no child's marks after signing out.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

CACHE_NAME = "oqu-static-v1"
PRECACHED = ("web/app.css", "web/vendor/htmx.min.js", "web/favicon.svg")


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "name": _("Oqu — national education platform"),
            "short_name": _("Oqu"),
            "lang": request.LANGUAGE_CODE,
            "start_url": "/?source=pwa",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#005f73",
            "icons": [{"src": static("web/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    offline = "/offline/"
    assets = [static(name) for name in PRECACHED]
    script = f"""'use strict';
const CACHE = {CACHE_NAME!r};
const OFFLINE = {offline!r};
const ASSETS = {assets!r};
self.addEventListener('install', (event) => {{
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll([OFFLINE, ...ASSETS])));
  self.skipWaiting();
}});
self.addEventListener('activate', (event) => {{
  event.waitUntil(caches.keys().then((keys) =>
    Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))));
  self.clients.claim();
}});
self.addEventListener('fetch', (event) => {{
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (ASSETS.includes(url.pathname)) {{
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }} else if (request.mode === 'navigate') {{
    // Pages carry personal data: always from the network, never cached; offline, a notice.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
  }}
}});
"""
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "web/offline.html")

"""The HTTP API under /api/v1/ (G-5.1, G-5.2): one NinjaAPI assembled from each app's router."""

from ninja import NinjaAPI

from oqu.access.api import router as access_router
from oqu.analytics.api import router as analytics_router
from oqu.apikit import AUTH, install_error_handlers
from oqu.audit.api import router as audit_router
from oqu.audit.dbms_api import router as dbms_router
from oqu.audit.journal_api import router as journal_router
from oqu.cabinet.api import router as cabinet_router
from oqu.edms.api import router as edms_router
from oqu.equeue.api import router as equeue_router
from oqu.eservices.api import router as eservices_router
from oqu.feedback.api import router as feedback_router
from oqu.forecast.api import router as forecast_router
from oqu.identity.api import router as identity_router
from oqu.identity.mfa_api import router as mfa_router
from oqu.journal.api import router as ejournal_router
from oqu.lms.api import router as lms_router
from oqu.ops.api import router as ops_router
from oqu.orgs.api import router as orgs_router
from oqu.passport.api import router as passport_router
from oqu.people.api import router as people_router
from oqu.people.restricted_api import router as restricted_router
from oqu.pki.api import router as pki_router
from oqu.preschool.api import router as preschool_router
from oqu.profiles.api import router as profiles_router
from oqu.registration.api import router as registration_router
from oqu.school.api import router as school_router
from oqu.school.load_api import router as school_load_router
from oqu.school.timetable_api import router as timetable_router
from oqu.sso.api import router as sso_router
from oqu.testing.api import router as testing_router

DESCRIPTION = """
The national education platform's API: the hierarchy, people and their relations, roles and grants.

* **Authentication**: the web session (send the `X-CSRFToken` header on changes) or an OAuth2 bearer
  token from `/o/token/` (`read` scope to read, `write` to change).
* **Errors**: always `{"code", "message", "fields"}`, the message in the user's language (Kazakh by
  default, Russian with `Accept-Language: ru` or the `oqu_language=ru` cookie).
* **Scope**: an object outside your scope answers 404 exactly like a missing one; a missing
  capability on an object you can see answers 403.
* **Lists**: `{"items", "next_cursor"}`; pass `cursor=<next_cursor>` for the next page, `limit` up
  to 200.
* **MFA** (G-5.11): a session whose account has no authenticator (and no under-16 exemption) gets
  403 `mfa_setup_required` everywhere but `GET /mfa`, `POST /mfa/totp/secret` and `POST /mfa/totp`.
"""

api = NinjaAPI(
    title="Oqu API",
    version="1",
    description=DESCRIPTION,
    auth=AUTH,
    urls_namespace="api",
)
install_error_handlers(api)

api.add_router("", orgs_router)
api.add_router("", people_router)
api.add_router("", access_router)
api.add_router("", audit_router)
api.add_router("", identity_router)
api.add_router("", dbms_router)
api.add_router("", ops_router)
api.add_router("", journal_router)
api.add_router("", restricted_router)
api.add_router("", sso_router)
api.add_router("", registration_router)
api.add_router("", mfa_router)
api.add_router("", school_router)
api.add_router("", timetable_router)
api.add_router("", ejournal_router)
api.add_router("", lms_router)
api.add_router("", testing_router)
api.add_router("", feedback_router)
api.add_router("", school_load_router)
api.add_router("", profiles_router)
api.add_router("", cabinet_router)
api.add_router("", analytics_router)
api.add_router("", pki_router)
api.add_router("", preschool_router)
api.add_router("", equeue_router)
api.add_router("", eservices_router)
api.add_router("", forecast_router)
api.add_router("", passport_router)
api.add_router("", edms_router)

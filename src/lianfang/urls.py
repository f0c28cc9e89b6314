from django.urls import include, path
from django.views.i18n import set_language

from lianfang.api import api

urlpatterns = [
    path("", include("lianfang.core.urls")),
    path("accounts/", include("lianfang.accounts.urls")),
    path("org/", include("lianfang.org.urls")),
    path("powers/", include("lianfang.powers.urls")),
    path("risks/", include("lianfang.risks.urls")),
    path("review/", include("lianfang.review.urls")),
    path("public/", include("lianfang.portal.urls")),
    path("complaints/", include("lianfang.complaints.urls")),
    path("workdays/", include("lianfang.workdays.urls")),
    path("supervision/", include("lianfang.supervision.urls")),
    path("audit/", include("lianfang.audit.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", api.urls),
]

"""REST endpoints of the risk register, under /api/risks/: risk points (`register`), control measures and
their evidence files (`measures`), grading (`assessments`). Thin: parse, resolve references inside the
caller's scope, call `risks.services` and `risks.selectors`."""

from . import assessments, measures, register

# The risk points' router is the root, so the register itself is /api/risks (no trailing slash). Its paths
# come first in the URL patterns; fixed paths (grading/matrix, measure-library, …) get past /{int:risk_id}
# only because every id in these routers is declared with Django's int converter.
router = register.router
router.add_router("", assessments.router)
router.add_router("", measures.router)

__all__ = ["router"]

"""Reading publications. Two audiences:

- the public (anonymous, or anyone): current, not withdrawn, external publications only;
- the unit's staff: internal publications too, at the paths where they hold PUBLICATION VIEW.

Nothing here reads the live catalog or register: pages are built from the frozen `content`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from lianfang.accounts.permissions import Action, ObjectType, can, path_q, prefixes, scope
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError
from lianfang.org.models import Status, Unit
from lianfang.risks.search import query_words

from .models import Feedback, FeedbackStatus, PortalStamp, Publication, PublicationKind, PublicAudience

LISTING = ("id", "unit_id", "kind", "code", "version", "title", "department_name", "audience", "year")


def live() -> QuerySet[Publication]:
    return Publication.objects.filter(is_current=True, withdrawn=False)


def public() -> QuerySet[Publication]:
    """What society may see."""
    return live().filter(audience=PublicAudience.EXTERNAL)


def public_units() -> QuerySet[Unit]:
    """Units with at least one public catalog item."""
    units = public().filter(kind=PublicationKind.POWER).values("unit_id")
    return Unit.objects.filter(status=Status.ACTIVE, pk__in=units).order_by("path")


def unit_by_code(code: str) -> Unit:
    unit = Unit.objects.filter(code=code, status=Status.ACTIVE).first()
    if unit is None:
        raise NotFoundError("单位不存在")
    return unit


def stamp_of(unit: Unit) -> int:
    return PortalStamp.objects.filter(unit=unit).values_list("version", flat=True).first() or 0


def stamp_by_code(unit_code: str) -> int:
    """The portal version of a unit by its code: one indexed lookup in plain SQL, as it runs for every
    anonymous page (the ORM's query building would cost more than the query)."""
    stamp, unit = PortalStamp._meta.db_table, Unit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.version FROM {stamp} s JOIN {unit} u ON u.id = s.unit_id WHERE u.code = %s",  # noqa: S608
            [unit_code],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def search(qs: QuerySet[Publication], q: str) -> QuerySet[Publication]:
    """Chinese search over the stored words (jieba cuts the query; each word must occur)."""
    for word in query_words(q):
        qs = qs.filter(search_text__contains=word)
    return qs


def public_catalog(unit: Unit, q: str = "") -> QuerySet[Publication]:
    qs = public().filter(unit=unit, kind=PublicationKind.POWER)
    return search(qs, q).order_by("sort_key").only(*LISTING, "sort_key")


def public_flows(unit: Unit) -> QuerySet[Publication]:
    return public().filter(unit=unit, kind=PublicationKind.FLOW).order_by("sort_key").only(*LISTING)


# --- staff --------------------------------------------------------------------------------------------------


def internal_prefixes(actor: Actor, unit: Unit) -> list[str]:
    """Where in this unit the actor may read the internal publication; refuses (404) outside it."""
    paths = [
        p
        for p in prefixes(actor, Action.VIEW, ObjectType.PUBLICATION)
        if p.startswith(unit.path) or unit.path.startswith(p)
    ]
    if not paths:
        raise NotFoundError("单位不存在或不在您的权限范围内")
    return [p if p.startswith(unit.path) else unit.path for p in paths]


def may_see_internal(actor: Actor, unit: Unit) -> bool:
    try:
        internal_prefixes(actor, unit)
    except NotFoundError:
        return False
    return True


def internal(actor: Actor, unit: Unit) -> QuerySet[Publication]:
    """The unit's internal publication in the actor's scope (internal powers, internal flows, risk points)."""
    paths = internal_prefixes(actor, unit)
    return live().filter(unit=unit, audience=PublicAudience.INTERNAL).filter(path_q(("path",), paths))


def visible(actor: Actor, unit: Unit, kind: str, code: str) -> Publication:
    """The current version of a lineage as this reader may see it: public, or internal in scope; else 404."""
    pub = live().filter(unit=unit, kind=kind, code=code).first()
    if pub is None:
        raise NotFoundError("公示事项不存在或已撤回")
    if pub.audience == PublicAudience.EXTERNAL:
        return pub
    if can(actor, Action.VIEW, ObjectType.PUBLICATION, pub.path):
        return pub
    raise NotFoundError("公示事项不存在或已撤回")


def visible_or_none(actor: Actor, unit: Unit, kind: str, code: str) -> Publication | None:
    try:
        return visible(actor, unit, kind, code)
    except NotFoundError:
        return None


@dataclass(frozen=True)
class HistoryRow:
    version: int
    year: int
    published_at: object
    withdrawn: bool
    is_current: bool


def history(pub: Publication) -> list[HistoryRow]:
    """Every version of the lineage, newest first (for a public item, only its external versions)."""
    qs = Publication.objects.filter(unit_id=pub.unit_id, kind=pub.kind, code=pub.code)
    if pub.audience == PublicAudience.EXTERNAL:
        qs = qs.filter(audience=PublicAudience.EXTERNAL)
    return [
        HistoryRow(*row)
        for row in qs.order_by("-version").values_list(
            "version", "year", "published_at", "withdrawn", "is_current"
        )
    ]


def public_answers(pub: Publication) -> QuerySet[Feedback]:
    """Published answers to comments on this lineage (never the commenter's name or contact)."""
    qs = Feedback.objects.filter(
        unit_id=pub.unit_id,
        publication__kind=pub.kind,
        publication__code=pub.code,
        answer_public=True,
        status__in=(FeedbackStatus.ANSWERED, FeedbackStatus.CLOSED),
    )
    if pub.audience == PublicAudience.EXTERNAL:
        qs = qs.filter(publication__audience=PublicAudience.EXTERNAL)
    return qs.order_by("-answered_at").only("id", "text", "answer", "answered_at")


# --- feedback queue -----------------------------------------------------------------------------------------


def feedback_queue(actor: Actor, status: str = "") -> QuerySet[Feedback]:
    """Comments reaching the actor's departments (FEEDBACK VIEW): a department head or liaison their
    department's, the supervising office all of the unit's."""
    qs = scope(
        actor, Action.VIEW, ObjectType.FEEDBACK, Feedback.objects.select_related("publication", "unit")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def open_feedback(actor: Actor) -> QuerySet[Feedback]:
    """Open comments in the actor's scope, oldest first (for the home worklist)."""
    return feedback_queue(actor, FeedbackStatus.OPEN).order_by("created_at", "id")


def get_feedback(actor: Actor, pk: int) -> Feedback:
    found = feedback_queue(actor).filter(pk=pk).first()
    if found is None:
        raise NotFoundError("意见不存在或不在您的权限范围内")
    return found

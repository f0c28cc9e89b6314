"""Views of the organisation pages: thin, they call services and selectors."""

from .departments import department_create, department_detail, department_edit, department_retire
from .leadership import leadership_create, leadership_edit, leadership_end, liaison_designate, liaison_end
from .persons import person_create, person_detail, person_edit, person_list, person_retire
from .posts import assignment_create, assignment_end, post_create, post_detail, post_edit, post_retire
from .tree import department_children, tree, unit_children
from .units import unit_create, unit_detail, unit_edit, unit_retire

__all__ = [
    "assignment_create",
    "assignment_end",
    "department_children",
    "department_create",
    "department_detail",
    "department_edit",
    "department_retire",
    "leadership_create",
    "leadership_edit",
    "leadership_end",
    "liaison_designate",
    "liaison_end",
    "person_create",
    "person_detail",
    "person_edit",
    "person_list",
    "person_retire",
    "post_create",
    "post_detail",
    "post_edit",
    "post_retire",
    "tree",
    "unit_children",
    "unit_create",
    "unit_detail",
    "unit_edit",
    "unit_retire",
]

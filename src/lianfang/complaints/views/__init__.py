"""Pages of the complaint box: the public filing and follow-up pages (no login) and the supervising
office's queue."""

from .office import attachment_download, complaint_detail, complaint_note, complaint_status, queue, reveal
from .public import file_complaint, follow, targets

__all__ = [
    "attachment_download",
    "complaint_detail",
    "complaint_note",
    "complaint_status",
    "file_complaint",
    "follow",
    "queue",
    "reveal",
    "targets",
]

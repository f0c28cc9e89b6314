"""Publication (公示): frozen published versions, the public portal and feedback (意见征集)."""

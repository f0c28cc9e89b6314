"""Electronic supervision's services: `intake` (cases and events from business systems) and `evaluate` (the
rule engine)."""

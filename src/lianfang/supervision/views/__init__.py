"""Pages of electronic supervision: the live board, a case against its flowchart, alerts, the appeal queue."""

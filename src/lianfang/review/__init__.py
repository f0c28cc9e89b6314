"""Review chains (审核链), comments, phases and deadlines, the progress board and reminders."""

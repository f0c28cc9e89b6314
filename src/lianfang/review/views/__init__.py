"""Pages of the review app."""

"""Views: thin, they call services and selectors."""

"""File formats of events: CSV (`csv_events`) and IEEE 1849 XES (`xes`), read into and written from the
intake's `EventIn` through the same field rules (`fields`)."""

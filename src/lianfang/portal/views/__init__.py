"""Portal pages: the public portal (public.py); the internal publication and feedback queue (staff.py)."""

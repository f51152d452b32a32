"""Parents' self-registration by IIN and phone, and their requests to be linked to a child (G-5.7)."""

"""Anklet and phone positions against approach bans: the position log, the judge, the
routes."""

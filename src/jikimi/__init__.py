"""Jikimi: police protection of victims of relationship crimes."""

"""Caseloads that can be balanced, and statistics without personal data."""

"""Alerts: opened and grown by violations, escalated, acknowledged, resolved, pushed live."""

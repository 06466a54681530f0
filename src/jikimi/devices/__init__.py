"""Victims' phones and anklets: enrolment, binding, device events and health, SOS."""

"""The evidence bundle for the prosecutor: a signed ZIP of one case's evidence."""

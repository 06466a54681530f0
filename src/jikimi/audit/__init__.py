"""The access trail (hash-chained) and the supervisors' review of flagged access."""

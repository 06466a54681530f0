"""People, cases, protective orders, assignments, break-glass, the 112 look-up and the
evidence export."""

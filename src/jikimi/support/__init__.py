"""Emergency support payments: applications, a supervisor's four-eyes decision and an
append-only, hash-chained ledger of payments in won."""

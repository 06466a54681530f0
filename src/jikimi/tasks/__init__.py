"""Tasks: follow-up monitoring, expiry reviews and other work owed on a case, with due dates."""

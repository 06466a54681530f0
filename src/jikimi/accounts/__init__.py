"""Staff accounts, machine tokens and console logins."""

"""Consent as a record, referrals to counselling centres and the counsellor's side."""

"""Calls and texts from the perpetrator: stored from phones and operators, judged
against telecom bans."""

"""Patrols: plans for an agency's shift around its high-risk homes, and the visits made."""

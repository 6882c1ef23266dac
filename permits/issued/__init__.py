"""Issued permits: PDF download, revocation, amendments (riders)."""

"""The public open-data feed of issued permits (no sign-in, no personal data)."""

"""Admin page of failed and dead outbox messages, with re-send."""

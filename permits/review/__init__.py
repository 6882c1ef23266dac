"""The reviewers' dashboard: queues, the review page and its decisions, saved texts, the
commission's list of every application (site owners' tools: permits.sites; statistics:
permits.statistics)."""

"""The reviewers' dashboard: queues, the review page, ministry views, site-owner tools, statistics."""

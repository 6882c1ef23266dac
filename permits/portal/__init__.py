"""The producer portal: drafts, the task list, status pages, the production passport."""

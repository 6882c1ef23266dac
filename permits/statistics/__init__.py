"""The statistics of the single window: the film commission's statistics
page with its charts and CSV downloads, and the public scorecard (blueprint
``statistics``). The aggregates are ``services.statistics``."""

"""Filming sites for their owners: the organisation's sites, each site's
calendar of shoots, holds and closures, its closures and its rules and
limits (blueprint ``sites``, under /review/sites). The public catalogue of
sites is ``permits.locations``."""

"""The JSON API, ``/api/v1``: partners' programs read the catalogue, quotes
and permits, and act on applications and reviews through the same services
as the pages.

- ``base``: the blueprint and the SpecTree instance (OpenAPI 3.1 from the
  views' pydantic models); ``document()`` is the served document.
- ``problems``: every error under ``/api/`` as RFC 9457 problem details.
- ``auth``: personal access tokens sent as ``Authorization: Bearer``; the
  session cookie never authenticates an API call; the rate limits.
- ``pagination``: keyset pages with a ``next`` link; ``conditional``: ETag /
  If-Match with the row version.
- ``public``, ``producers``, ``reviewers``, ``docs``: the routes (thin: they
  call services and the catalogue's queries); ``views`` registers them.
"""

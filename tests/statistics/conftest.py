"""The statistics use the reviewers' world and sign-in."""

from tests.review.conftest import signed_in, world  # noqa: F401  (fixtures)

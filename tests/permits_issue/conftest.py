import pytest


@pytest.fixture
def client(app):
    """An English-reading browser (site names in English in the pages)."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client

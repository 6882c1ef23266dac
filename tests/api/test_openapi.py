"""The OpenAPI document: valid OpenAPI 3.1, generated from the code, naming
every rule of the url_map under /api/v1; and its documentation page, whose
assets are vendored and which runs under the site's CSP."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from tests.security.conftest import check_headers

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def _document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_valid_openapi_3_1(app):
    document = _document(app.test_client())
    assert document["openapi"].startswith("3.1")
    validate(document)


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_every_api_rule_of_the_url_map_is_in_the_document(app):
    document = _document(app.test_client())
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = _openapi_path(rule.rule)
        for method in sorted(rule.methods & METHODS):
            if method.lower() not in document["paths"].get(path, {}):
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "API routes missing from the OpenAPI document: " + ", ".join(missing)
    operations = [(path, method) for path, item in document["paths"].items() for method in item]
    assert len(operations) >= 13
    ids = [document["paths"][path][method]["operationId"] for path, method in operations]
    assert len(ids) == len(set(ids))


def test_every_operation_documents_its_problems(app):
    document = _document(app.test_client())
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert "429" in responses and "422" in responses, (method, path)
            for code, response in responses.items():
                if int(code) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (method, path, code)
            if operation["security"] == [{"bearer": []}]:
                assert {"401", "403"} <= set(responses), (method, path)
            assert operation["summary"] and operation["tags"]


def test_path_ids_are_integers_in_the_id_columns_range(app):
    document = _document(app.test_client())
    parameter = document["paths"]["/api/v1/applications/{application_id}"]["get"]["parameters"][0]
    assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def test_the_documentation_page_loads_vendored_assets_under_the_csp(app):
    client = app.test_client()
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    check_headers(response, authenticated=False, where="GET /api/v1/docs")
    html = response.get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))], sources
    assert "<script>" not in html and " style=" not in html  # nothing inline: the CSP allows none
    for asset in ("/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/vendor/swagger-ui/swagger-ui.css",
                  "/static/js/api-docs.js"):
        assert asset in sources
        assert client.get(asset).status_code == 200

"""The documented process is the one the code runs."""

from permits.readme import README, current_block, diagram_block
from tests.factories import PASSWORD, ProducerFactory, UserFactory
from tests.helpers import login
from workflows import current_definition
from workflows.diagram import to_mermaid, to_svg


def test_readme_diagram_matches_the_definition():
    expected = diagram_block(to_mermaid(current_definition()))
    assert current_block(README.read_text()) == expected, (
        "README's process diagram is out of date: run `flask --app permits process-diagram --write-readme`"
    )


def test_every_transition_is_in_the_diagram():
    definition = current_definition()
    text = to_mermaid(definition)
    for t in definition.application_transitions:
        assert f"{t.source} --> {t.target}" in text
    for t in definition.review_transitions:
        assert f"r_{t.source} --> r_{t.target}" in text
    svg = to_svg(definition)
    assert svg.startswith("<svg") and "final_review" in svg


def test_admin_process_page(client, db):
    UserFactory(email="root@example.test", is_platform_admin=True)
    ProducerFactory(email="p@example.test")
    db.session.commit()
    login(client, "p@example.test", PASSWORD)
    assert client.get("/admin/process").status_code == 403
    client.post("/auth/logout", data={"csrf_token": ""})
    other = client.application.test_client()
    login(other, "root@example.test", PASSWORD)
    page = other.get("/admin/process")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/admin/process.svg" in html and "approve_with_conditions" in html
    svg = other.get("/admin/process.svg")
    assert svg.mimetype == "image/svg+xml" and b"final_review" in svg.data

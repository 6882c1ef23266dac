from tests.api.conftest import make_token
from tests.services.scenario import submitted, draft


def test_scratch(world, api):
    app_ = submitted(world, sites=[world.site_a])
    d = draft(world, sites=[world.site_b])
    token = make_token(world.producer, scopes=("read", "write"))
    c = api(token)
    for url in ["/api/v1/sites", f"/api/v1/sites/{world.site_a.slug}", "/api/v1/scorecard",
                f"/api/v1/quote?sites={world.site_a.slug}&start_date=2027-06-07&end_date=2027-06-09&crew=5",
                "/api/v1/applications", f"/api/v1/applications/{app_.id}", "/api/v1/docs",
                "/api/v1/permits/verify?number=X&code=Y"]:
        r = c.get(url)
        print(url, r.status_code, r.get_data(as_text=True)[:600])
    r = c.post("/api/v1/applications", json={"title": "New"})
    print(r.status_code, r.headers, r.get_data(as_text=True)[:300])
    staff = api(make_token(world.owner_a_reviewer))
    r = staff.get("/api/v1/reviews?queue=open")
    print(r.status_code, r.get_data(as_text=True)[:600])
    assert 0

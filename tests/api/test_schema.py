"""The OpenAPI schema and the Swagger UI, served from the install (no CDN)."""

import re

from django.contrib.staticfiles import finders
from drf_spectacular.validation import validate_schema

PATHS = [
    "/api/v1/auth/token/",
    "/api/v1/me/",
    "/api/v1/organisations/",
    "/api/v1/organisations/{id}/",
    "/api/v1/users/",
    "/api/v1/users/{id}/",
    "/api/v1/users/{id}/activate/",
    "/api/v1/users/{id}/deactivate/",
    "/api/v1/enterprises/",
    "/api/v1/enterprises/{id}/",
    "/api/v1/regions/",
    "/api/v1/regions/{code}/",
    "/api/v1/regions/{code}/streets/",
    "/api/v1/industries/",
    "/api/v1/industries/{code}/",
]


def test_the_schema_is_a_valid_openapi_document_listing_the_endpoints(api, db):
    response = api.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)  # raises on an invalid document
    assert schema["openapi"].startswith("3.")
    assert set(PATHS) <= set(schema["paths"])
    assert set(schema["paths"]["/api/v1/enterprises/{id}/"]) == {"get", "put", "patch"}
    list_parameters = {
        p["name"] for p in schema["paths"]["/api/v1/enterprises/"]["get"]["parameters"]
    }
    assert {
        "search",
        "district",
        "street",
        "industry",
        "scale",
        "status",
        "ordering",
        "page",
        "page_size",
    } <= list_parameters


def test_the_docs_page_loads_only_local_files(cast, client_for):
    client = client_for(cast.district)  # the docs are for logged-in users
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.I), "external URL"
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in url for url in urls)
    # The start-up script comes from the docs URL itself (no inline script: CSP).
    scripts = [url for url in urls if url.startswith("/api/docs/?")]
    assert len(scripts) == 1
    for url in urls:
        if url in scripts:
            continue
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/").split("?")[0]), f"{url} is missing"
    script = client.get(scripts[0].replace("&amp;", "&")).content.decode()
    assert '"/api/schema/"' in script  # the schema comes from this server too

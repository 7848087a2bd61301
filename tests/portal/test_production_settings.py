"""Production posture: HTTPS only behind a TLS proxy, a real SECRET_KEY, a
Content-Security-Policy without inline scripts, and the API docs for users only."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k7#Qv9!pZ2@xL4$wR8%tY6^uI3&oP1*aS5(dF0)gH-jK=lZ+xC_vB.nM,qW;eR:tY"
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": GOOD_KEY,
    "BEHIND_TLS_PROXY": "true",
    "ALLOWED_HOSTS": "anquan.example.gov.cn",
    "CERTIFICATE_SIGNING_KEY": "/nonexistent/only-read-when-signing.pem",
}


def run(args, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DEBUG",
            "SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
            "BEHIND_TLS_PROXY",
            "ALLOWED_HOSTS",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
    }
    return subprocess.run(
        args,
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


# Starting Django with the production settings is most of each run's seconds: one process
# runs what three tests read (manage.py's check --deploy at its default fail level and at
# WARNING, then two requests through the test client), each reported apart as JSON.
IN_PRODUCTION = """
import contextlib, io, json, sys
import django
from django.core.management import ManagementUtility
django.setup()
out = {}
for name, argv in (
    ("check", ["manage.py", "check", "--deploy"]),
    ("strict", ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]),
):
    stdout, stderr, code = io.StringIO(), io.StringIO(), 0
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            ManagementUtility(argv).execute()
        except SystemExit as exit:
            code = exit.code or 0
    out[name] = {"returncode": code, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}
from django.test import Client
c = Client()
r = c.get("/accounts/login/", HTTP_HOST="anquan.example.gov.cn")
plain = f"{r.status_code} {r.get('Location')}"
r = c.get("/accounts/login/", HTTP_HOST="anquan.example.gov.cn", HTTP_X_FORWARDED_PROTO="https")
out["proxy"] = [plain, f"{r.status_code} {r.get('Strict-Transport-Security')}"]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def in_production(tmp_path_factory):
    result = run(
        [sys.executable, "-c", IN_PRODUCTION],
        {**PRODUCTION, "PORTAL_VAR_DIR": str(tmp_path_factory.mktemp("var"))},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_finds_no_security_issue_with_production_settings(in_production):
    result = in_production["check"]

    assert result["returncode"] == 0, result["stdout"] + result["stderr"]
    assert not re.findall(
        r"\(security\.\w+\)|\(async\.\w+\)|\(csp\.\w+\)", result["stdout"] + result["stderr"]
    )


def test_check_deploy_is_clean_with_production_settings(in_production):
    result = in_production["strict"]

    assert result["returncode"] == 0, result["stdout"] + result["stderr"]
    assert "WARNING" not in result["stdout"] + result["stderr"]
    assert "System check identified no issues" in result["stdout"]


@pytest.mark.parametrize(
    "key",
    [
        "short-key",
        "x" * 60,  # long but trivially guessable
        "django-insecure-" + "a1b2c3d4e5" * 5,
        "insecure-development-key-do-not-use-in-production",
    ],
)
def test_a_short_or_default_secret_key_is_refused_without_debug(tmp_path, key):
    result = run(
        [sys.executable, "-c", "import portal.settings"],
        {**PRODUCTION, "SECRET_KEY": key, "PORTAL_VAR_DIR": str(tmp_path)},
    )

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr  # says how to make a good one


def test_with_debug_any_key_will_do(tmp_path):
    result = run(
        [sys.executable, "-c", "import portal.settings"],
        {"DEBUG": "true", "SECRET_KEY": "short", "PORTAL_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr


def test_behind_a_tls_proxy_plain_http_is_redirected_and_hsts_sent(in_production):
    plain, secure = in_production["proxy"]

    assert plain == "301 https://anquan.example.gov.cn/accounts/login/"
    assert secure.startswith("200 max-age=31536000")


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, cast):
    response = client.get(reverse("login"))

    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if " " in d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-eval" not in policy


def _inline_scripts(html: str) -> list[str]:
    scripts = re.findall(r"<script\b([^>]*)>", html, flags=re.I)
    return [
        attrs for attrs in scripts if "src=" not in attrs and 'type="application/json"' not in attrs
    ]


@pytest.mark.parametrize(
    "path",
    ["/", "/accounts/login/", "/applications/new/", "/enterprises/", "/admin/", "/api/docs/"],
)
def test_rendered_pages_have_no_inline_script_or_event_handler(client, cast, client_for, path):
    cast.city.is_staff = True
    cast.city.save(update_fields=["is_staff"])
    if path != "/accounts/login/":
        client = client_for(cast.enterprise if path == "/applications/new/" else cast.city)

    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert _inline_scripts(html) == []
    assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I)


def test_no_template_has_an_inline_script_or_event_handler():
    """Keeps it so: the CSP allows scripts only from static files."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if (
            _inline_scripts(text)
            or re.search(r"\son[a-z]+\s*=", text, flags=re.I)
            or "javascript:" in text
        ):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_api_docs_are_for_logged_in_users_and_the_schema_stays_public(client, cast, client_for):
    anonymous = client.get("/api/docs/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert client.get("/api/schema/").status_code == 200

    docs = client_for(cast.district).get("/api/docs/")
    assert docs.status_code == 200
    # The Swagger UI's start-up script comes from the portal, not inline.
    assert _inline_scripts(docs.content.decode()) == []

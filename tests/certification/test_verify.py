"""Verifying certificates (certification/certificates/signing.py): signed QR payloads, the
statement, the public pages (no login), lookups and the command."""

from __future__ import annotations

import base64
import datetime
import io
import logging
from types import SimpleNamespace

import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from certification.certificates import signing as verify
from certification.models import AnnouncementBatch, Application, Certificate, Status
from certification.publicity import rules as publicity
from tests.certification.factories import make_tiered_version
from tests.certification.test_publicity import AFTER, MONDAY, published, verified

# The certificate below: announced 2026-03-12, valid until 2029-03-11.
DURING = "2027-06-01 10:00 +0800"
ANNOUNCED = datetime.date(2026, 3, 12)
UNTIL = datetime.date(2029, 3, 11)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Lookups are counted in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def issue_certificate(cast, version=None) -> Certificate:
    """A level-3 certificate of cast.ent issued through publicity and announcement."""
    version = version or make_tiered_version()
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
    with time_machine.travel(AFTER):
        publicity.announcement_create(actor=cast.district, applications=[application])
    certificate = Certificate.objects.select_related("enterprise").get(application=application)
    enterprise = certificate.enterprise
    enterprise.contact_name, enterprise.contact_phone = "联系人王五", "13800001111"
    enterprise.legal_representative, enterprise.address = "法人赵六", "北京市朝阳区秘密路1号"
    enterprise.save()
    return certificate


@pytest.fixture
def certificate(cast):
    return issue_certificate(cast)


def page(client, payload):
    return client.get(reverse("verify:payload", args=[payload]))


def replace_char(text: str, index: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    old = text[index]
    new = alphabet[(alphabet.index(old) + 1) % len(alphabet)] if old in alphabet else "A"
    return text[:index] + new + text[index + 1 :]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- payloads ------------------------------------------------------------------------


def test_payload_round_trip(certificate):
    payload = verify.payload_for(certificate)
    verified_payload = verify.verify_payload(payload)

    assert verified_payload.certificate.pk == certificate.pk
    assert (verified_payload.number, verified_payload.uscc, verified_payload.tier) == (
        certificate.number,
        certificate.enterprise.uscc,
        "3",
    )
    assert (verified_payload.valid_from, verified_payload.valid_until) == (ANNOUNCED, UNTIL)
    assert verified_payload.key_id == verify.keys().key_id
    # Compact for the QR code, and the path of a URL as it is.
    assert len(payload) < 220
    assert set(payload) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


@override_settings(PORTAL_BASE_URL="https://aqbz.example.gov.cn/")
def test_verification_url_is_absolute_and_opens_the_page(certificate, en):
    url = verify.verification_url(certificate)
    payload = verify.payload_for(certificate)

    assert url == f"https://aqbz.example.gov.cn/verify/{payload}/"
    with time_machine.travel(DURING):
        response = en.get(url.removeprefix("https://aqbz.example.gov.cn"))
    assert response.status_code == 200
    assert "Valid" in response.content.decode()


def test_the_documented_offline_check_works(certificate):
    """The ten lines of the module docstring, with nothing but cryptography."""
    payload = verify.payload_for(certificate)
    key = serialization.load_pem_public_key(verify.public_key_pem().encode())

    body, signature = payload.split(".")
    key.verify(unb64(signature), unb64(body))
    version, key_id, number, uscc, tier, valid_from, valid_until = unb64(body).decode().split("|")

    assert (version, key_id, number, uscc, tier, valid_from, valid_until) == (
        "1",
        verify.keys().key_id,
        certificate.number,
        certificate.enterprise.uscc,
        "3",
        "20260312",
        "20290311",
    )


def test_changing_any_character_is_rejected(certificate):
    payload = verify.payload_for(certificate)
    for index in range(len(payload)):
        changed = replace_char(payload, index)
        with pytest.raises(verify.PayloadError):
            verify.verify_payload(changed)
    # Cut short, lengthened, empty, junk.
    for broken in (
        payload[:-1],
        payload + "A",
        payload.replace(".", ""),
        "",
        "...",
        "x" * 1000,
        payload + ".AAAA",
    ):
        with pytest.raises(verify.MalformedPayload):
            verify.verify_payload(broken)


def test_a_changed_field_is_reported_as_altered(certificate):
    payload = verify.payload_for(certificate)
    body, signature = payload.split(".")
    raised = unb64(body).decode().replace("|3|", "|1|")  # level 3 → level 1
    with translation.override("en"), pytest.raises(verify.TamperedPayload) as caught:
        verify.verify_payload(f"{b64(raised.encode())}.{signature}")
    assert "altered" in str(caught.value.message)


def test_a_payload_of_another_key_is_rejected(certificate):
    """Signed by someone else: under their own key id (foreign) or under
    ours (the signature then fails)."""
    forger = Ed25519PrivateKey.generate()
    ours = verify.keys().key_id
    for key_id, error in (
        (verify.key_id_of(forger.public_key()), verify.ForeignKeyPayload),
        (ours, verify.TamperedPayload),
    ):
        body = "|".join(
            (
                "1",
                key_id,
                certificate.number,
                certificate.enterprise.uscc,
                "1",
                "20260312",
                "20290311",
            )
        ).encode()
        forged = f"{b64(body)}.{b64(forger.sign(body))}"
        with translation.override("en"), pytest.raises(error) as caught:
            verify.verify_payload(forged)
        assert "portal" in str(caught.value.message) or "altered" in str(caught.value.message)


def test_a_genuine_payload_of_an_unknown_certificate(certificate):
    ghost = SimpleNamespace(
        number="京AQBJXⅢ202699999",
        enterprise=certificate.enterprise,
        tier="3",
        valid_from=ANNOUNCED,
        valid_until=UNTIL,
    )
    with translation.override("en"), pytest.raises(verify.UnknownCertificate) as caught:
        verify.verify_payload(verify.payload_for(ghost))
    assert "no certificate with this number" in str(caught.value.message)


# --- keys ----------------------------------------------------------------------------


def write_key(path, key=None):
    key = key or Ed25519PrivateKey.generate()
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return key


def test_a_configured_key_signs_and_older_keys_still_verify_after_rotation(certificate, tmp_path):
    old = write_key(tmp_path / "old.pem")
    with override_settings(CERTIFICATE_SIGNING_KEY=str(tmp_path / "old.pem")):
        old_payload = verify.payload_for(certificate)
        assert verify.keys().key_id == verify.key_id_of(old.public_key())
    (tmp_path / "old.pub").write_text(verify._public_pem(old.public_key()))
    write_key(tmp_path / "new.pem")
    with override_settings(CERTIFICATE_SIGNING_KEY=str(tmp_path / "new.pem")):
        with pytest.raises(verify.ForeignKeyPayload):
            verify.verify_payload(old_payload)
    with override_settings(
        CERTIFICATE_SIGNING_KEY=str(tmp_path / "new.pem"),
        CERTIFICATE_PREVIOUS_PUBLIC_KEYS=[str(tmp_path / "old.pub")],
    ):
        assert verify.verify_payload(old_payload).certificate.pk == certificate.pk
        assert verify.payload_for(certificate) != old_payload


def test_without_a_key_and_outside_debug_signing_refuses_but_pages_work(certificate, client):
    with override_settings(CERTIFICATE_SIGNING_KEY=None, CERTIFICATE_SIGNING_KEY_GENERATE=False):
        with pytest.raises(ImproperlyConfigured, match="CERTIFICATE_SIGNING_KEY"):
            verify.payload_for(certificate)
        assert client.get(reverse("verify:lookup")).status_code == 200
        assert (
            client.get(reverse("verify:lookup"), {"number": certificate.number}).status_code == 200
        )


def test_a_key_that_is_not_ed25519_is_refused(tmp_path):
    (tmp_path / "junk.pem").write_text("not a key")
    with override_settings(CERTIFICATE_SIGNING_KEY=str(tmp_path / "junk.pem")):
        with pytest.raises(ImproperlyConfigured, match="junk.pem"):
            verify.keys()


def test_debug_generates_a_development_key_once_and_says_so(tmp_path, caplog):
    with override_settings(
        CERTIFICATE_SIGNING_KEY=None, CERTIFICATE_SIGNING_KEY_GENERATE=True, VAR_DIR=tmp_path
    ):
        with caplog.at_level(logging.WARNING, logger="certification.certificates.signing"):
            first = verify.keys().key_id
        assert "generated a development signing key" in caplog.text
        assert (tmp_path / "certificate-signing-key.pem").exists()
        verify._keys = None  # a new process reads the same file
        caplog.clear()
        assert verify.keys().key_id == first
        assert "generated" not in caplog.text


def test_keys_are_read_from_disk_once(certificate, monkeypatch):
    verify.keys()
    monkeypatch.setattr(verify, "_load_keys", lambda: pytest.fail("keys loaded again"))
    for _ in range(3):
        verify.verify_payload(verify.payload_for(certificate))


# --- statements ----------------------------------------------------------------------


def test_each_statement_has_its_own_word(certificate):
    today = datetime.date(2027, 6, 1)
    cases = {}
    with translation.override("en"):
        cases["valid"] = verify.statement(certificate, today)
        cases["expiring"] = verify.statement(certificate, UNTIL - datetime.timedelta(days=30))
        cases["last day"] = verify.statement(certificate, UNTIL)
        cases["past"] = verify.statement(certificate, UNTIL + datetime.timedelta(days=1))
        for status in ("expired", "suspended", "revoked"):
            certificate.status = status
            cases[status] = verify.statement(certificate, today)

    assert {name: s.state for name, s in cases.items()} == {
        "valid": "valid",
        "expiring": "expiring_soon",
        "last day": "expiring_soon",
        "past": "expired",
        "expired": "expired",
        "suspended": "suspended",
        "revoked": "revoked",
    }
    labels = {s.state: s.label for s in cases.values()}
    assert labels == {
        "valid": "Valid",
        "expiring_soon": "Expiring soon",
        "expired": "Expired",
        "suspended": "Suspended",
        "revoked": "Revoked",
    }
    assert cases["expiring"].days_left == 30
    assert "30 days" in cases["expiring"].explanation
    assert cases["past"].days_left is None
    assert all("invalid" not in s.label.lower() for s in cases.values())


@override_settings(CERTIFICATE_EXPIRING_DAYS=10)
def test_the_expiring_window_is_a_setting(certificate):
    assert verify.statement(certificate, UNTIL - datetime.timedelta(days=30)).state == "valid"
    assert verify.statement(certificate, UNTIL - datetime.timedelta(days=10)).state == (
        "expiring_soon"
    )


def test_a_revoked_certificate_past_its_date_still_says_revoked(certificate):
    certificate.status = "revoked"
    assert verify.statement(certificate, UNTIL + datetime.timedelta(days=400)).state == "revoked"


def test_a_printed_certificate_since_downgraded_shows_the_current_grade(certificate, en):
    Certificate.objects.filter(pk=certificate.pk).update(tier="2")
    certificate.refresh_from_db()
    payload = verify.payload_for(certificate)  # printed as level 2
    Certificate.objects.filter(pk=certificate.pk).update(tier="3")  # downgraded since

    with translation.override("en"):
        verified_payload = verify.verify_payload(payload)
        said = verify.statement(
            verified_payload.certificate, datetime.date(2027, 6, 1), signed=verified_payload
        )
    assert said.outdated == ("tier",)
    assert "Level 2" in said.outdated_message and "Level 3" in said.outdated_message

    with time_machine.travel(DURING):
        response = page(en, payload)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="outdated"' in html
    assert "The printed certificate is outdated" in html
    grade = html.split('data-testid="grade">')[1].split("<")[0]
    assert grade == "Level 3"


def test_an_unchanged_certificate_is_not_outdated(certificate):
    verified_payload = verify.verify_payload(verify.payload_for(certificate))
    said = verify.statement(
        verified_payload.certificate, datetime.date(2027, 6, 1), signed=verified_payload
    )
    assert said.outdated == () and said.outdated_message == ""


# --- the public page -----------------------------------------------------------------


def test_the_page_states_validity_with_only_public_fields(certificate, en):
    with time_machine.travel(DURING):
        response = page(en, verify.payload_for(certificate))
    html = response.content.decode()

    assert response.status_code == 200
    assert 'data-state="valid"' in html
    assert '<div class="display-5 fw-bold" data-testid="statement">Valid</div>' in html
    for public in (
        certificate.number,
        certificate.enterprise.name,
        certificate.enterprise.uscc,
        "Level 3",
        "2026-03-12",
        "2029-03-11",
        "机械",
        "朝阳区",
    ):
        assert public in html, public
    for private in ("联系人王五", "13800001111", "法人赵六", "秘密路", "score", "Score"):
        assert private not in html, private
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize(
    ("status", "word"), [("suspended", "Suspended"), ("revoked", "Revoked"), ("expired", "Expired")]
)
def test_the_page_shows_a_changed_status_on_the_next_request(certificate, en, status, word):
    payload = verify.payload_for(certificate)
    with time_machine.travel(DURING):
        assert 'data-state="valid"' in page(en, payload).content.decode()
        Certificate.objects.filter(pk=certificate.pk).update(status=status)
        html = page(en, payload).content.decode()
    assert f'data-state="{status}"' in html
    assert f'data-testid="statement">{word}</div>' in html


def test_the_page_says_expiring_soon(certificate, en):
    with time_machine.travel("2029-01-20 10:00 +0800"):
        html = page(en, verify.payload_for(certificate)).content.decode()
    assert 'data-testid="statement">Expiring soon</div>' in html
    assert "expires in 50 days" in html


def test_a_tampered_payload_gets_a_clear_400_and_changes_nothing(certificate, en):
    payload = verify.payload_for(certificate)
    body, signature = payload.split(".")
    raised = b64(unb64(body).decode().replace("|3|", "|1|").encode())

    for bad, code in (
        (f"{raised}.{signature}", "tampered"),
        (payload[:40], "malformed"),
        ("hello", "malformed"),
    ):
        response = page(en, bad)
        html = response.content.decode()
        assert response.status_code == 400
        assert f'data-code="{code}"' in html
        assert "Not verified" in html
        assert certificate.number not in html
    certificate.refresh_from_db()
    assert (certificate.check_count, certificate.last_checked_at) == (0, None)


def test_each_successful_check_is_counted(certificate, client):
    payload = verify.payload_for(certificate)
    with time_machine.travel(DURING, tick=False):
        page(client, payload)
        page(client, payload)
    certificate.refresh_from_db()
    assert certificate.check_count == 2
    assert certificate.last_checked_at == datetime.datetime(2027, 6, 1, 2, 0, tzinfo=datetime.UTC)


def test_the_page_needs_no_login_and_shows_the_same_to_a_logged_in_user(
    certificate, client, client_for, cast
):
    payload = verify.payload_for(certificate)
    anonymous = page(client, payload)
    assert anonymous.status_code == 200
    # Another district's staff sees nothing more than the public.
    html = page(client_for(cast.other_district), payload).content.decode()
    assert "13800001111" not in html and "联系人王五" not in html


def test_the_page_runs_few_queries(certificate, client, django_assert_max_num_queries):
    payload = verify.payload_for(certificate)
    page(client, payload)  # warm up translations and templates
    with django_assert_max_num_queries(3):
        assert page(client, payload).status_code == 200


def test_the_page_refuses_other_methods(certificate, client):
    response = client.post(reverse("verify:payload", args=[verify.payload_for(certificate)]))
    assert response.status_code == 405


def test_the_public_key_page(client):
    response = client.get("/verify/public-key.pem")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    key = serialization.load_pem_public_key(response.content)
    assert verify.key_id_of(key) == verify.keys().key_id


# --- lookups -------------------------------------------------------------------------


def test_lookup_by_number(certificate, en):
    with time_machine.travel(DURING):
        response = en.get(reverse("verify:lookup"), {"number": certificate.number})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="certificate"') == 1
    assert 'data-testid="statement">Valid</div>' in html
    assert certificate.enterprise.name in html
    assert "13800001111" not in html


def test_lookup_by_uscc_lists_every_certificate(cast, en):
    # An earlier certificate of the same enterprise, since expired.
    with time_machine.travel(MONDAY):
        earlier = verified(cast, make_tiered_version("another"))
    Application.objects.filter(pk=earlier.pk).update(status=Status.ANNOUNCED)
    Certificate.objects.create(
        number="京AQBJXⅢ202300007",
        application=earlier,
        enterprise=earlier.enterprise,
        tier="3",
        industry=earlier.industry,
        announcement=AnnouncementBatch.objects.create(
            organiser=cast.district.organisation,
            year=2023,
            number=1,
            title="2023年第1批",
            announced_on=datetime.date(2023, 3, 1),
            created_by=cast.district,
        ),
        valid_from=datetime.date(2023, 3, 1),
        valid_until=datetime.date(2026, 2, 28),
        status="expired",
    )
    certificate = issue_certificate(cast)

    with time_machine.travel(DURING):
        response = en.get(reverse("verify:lookup"), {"uscc": certificate.enterprise.uscc.lower()})
    html = response.content.decode()
    assert html.count('data-testid="certificate"') == 2
    assert 'data-state="valid"' in html and 'data-state="expired"' in html
    # Newest first.
    assert html.index(certificate.number) < html.index("京AQBJXⅢ202300007")


def test_lookup_that_finds_nothing(db, en):
    response = en.get(reverse("verify:lookup"), {"number": "京AQBJXⅢ202612345"})
    assert response.status_code == 200
    assert 'data-testid="not-found"' in response.content.decode()


def test_the_lookup_form_alone(db, en):
    html = en.get(reverse("verify:lookup")).content.decode()
    assert 'data-testid="lookup-form"' in html
    assert 'data-testid="not-found"' not in html
    assert reverse("verify:public_key") in html


@override_settings(CERTIFICATE_LOOKUP_LIMIT=3)
def test_lookups_are_limited_per_address(certificate, en, client):
    url = reverse("verify:lookup")
    for n in range(3):
        assert (
            en.get(url, {"number": f"京AQBJXⅢ20260000{n}"}, REMOTE_ADDR="10.0.0.9").status_code
            == 200
        )
    refused = en.get(url, {"number": certificate.number}, REMOTE_ADDR="10.0.0.9")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Too many lookups" in html
    assert certificate.enterprise.name not in html
    # Another address, and the QR page, are not limited.
    assert en.get(url, {"number": certificate.number}, REMOTE_ADDR="10.0.0.10").status_code == 200
    assert page(client, verify.payload_for(certificate)).status_code == 200


def test_an_empty_lookup_is_not_counted(db, en):
    with override_settings(CERTIFICATE_LOOKUP_LIMIT=1):
        for _ in range(3):
            assert en.get(reverse("verify:lookup"), {"number": " "}).status_code == 200


# --- the command ---------------------------------------------------------------------


def test_the_command_verifies_online(certificate):
    out = io.StringIO()
    with translation.override("en"), time_machine.travel(DURING):
        call_command("verify_certificate", verify.payload_for(certificate), stdout=out)
    text = out.getvalue()
    assert "Valid" in text and certificate.number in text
    assert certificate.enterprise.name in text


def test_the_command_fails_on_a_tampered_payload(certificate):
    payload = verify.payload_for(certificate)
    # A character of the signature: always “altered” (a character of the
    # body may fall in the key id, whose message is “not signed by this portal”).
    tampered = replace_char(payload, payload.index(".") + 10)
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("verify_certificate", tampered)
    assert caught.value.returncode == 1
    assert "altered" in str(caught.value)


def test_the_command_offline_needs_only_the_public_key(tmp_path, settings):
    """No database here: the payload of an unsaved certificate."""
    signer = write_key(tmp_path / "key.pem")
    settings.CERTIFICATE_SIGNING_KEY = str(tmp_path / "key.pem")
    (tmp_path / "public.pem").write_text(verify._public_pem(signer.public_key()))
    enterprise = SimpleNamespace(uscc="91110105MA00000038")
    ghost = SimpleNamespace(
        number="京AQBJXⅢ202600001",
        enterprise=enterprise,
        tier="2",
        valid_from=ANNOUNCED,
        valid_until=UNTIL,
    )
    payload = verify.payload_for(ghost)

    out = io.StringIO()
    with translation.override("en"):
        call_command(
            "verify_certificate",
            payload,
            "--offline",
            "--public-key",
            str(tmp_path / "public.pem"),
            stdout=out,
        )
    text = out.getvalue()
    assert "京AQBJXⅢ202600001" in text and "91110105MA00000038" in text
    assert "2029-03-11" in text

    (tmp_path / "other.pem").write_text(
        verify._public_pem(Ed25519PrivateKey.generate().public_key())
    )
    with translation.override("en"), pytest.raises(CommandError):
        call_command(
            "verify_certificate", payload, "--offline", "--public-key", str(tmp_path / "other.pem")
        )
    with pytest.raises(CommandError, match="--public-key"):
        call_command("verify_certificate", payload, "--offline")

"""Checking a certificate: the signed QR payload, the public
verification page's statement, and lookups by number or USCC.

Used by certification/certificates/rendering.py to put the QR code on the
certificate: ``verification_url(certificate)``.

Payload format (version 1)
--------------------------
The QR code opens ``<PORTAL_BASE_URL>/verify/<payload>/`` where::

    payload = b64url(body) + "." + b64url(signature)
    body    = "1|<key id>|<certificate number>|<USCC>|<tier>|<valid from>|<valid until>"

* ``b64url`` is URL-safe base64 (RFC 4648 §5) *without* ``=`` padding;
* ``body`` is UTF-8 text, fields joined with ``|``, dates as ``YYYYMMDD``,
  tier one of ``1``, ``2``, ``3``, ``pass``; the leading ``1`` is the format
  version;
* ``key id`` is the first 8 hex digits of SHA-256 over the raw 32-byte
  Ed25519 public key (so a verifier holding several keys picks the right one);
* ``signature`` is the 64-byte Ed25519 signature of the ``body`` bytes.

The public key is published at ``/verify/public-key.pem`` and at
``/api/v1/public/verify/public-key/``. Offline check::

    import base64
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    def b64(text):
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    body, signature = payload.split(".")
    key = load_pem_public_key(open("public-key.pem", "rb").read())
    key.verify(b64(signature), b64(body))  # raises InvalidSignature if forged
    version, key_id, number, uscc, tier, valid_from, valid_until = b64(body).decode().split("|")

``python manage.py verify_certificate --offline --public-key public-key.pem <payload>``
does the same. The signature proves what was printed; whether the grade
still stands (suspended, revoked, downgraded, expired) only the portal's
record can tell, which is what the online page and API add.

Settings: CERTIFICATE_SIGNING_KEY (path of the PEM private key),
CERTIFICATE_PREVIOUS_PUBLIC_KEYS (PEM public keys still accepted after a
key rotation), CERTIFICATE_SIGNING_KEY_GENERATE (only DEBUG: generate a
development key into var/), CERTIFICATE_EXPIRING_DAYS, PORTAL_BASE_URL,
CERTIFICATE_LOOKUP_LIMIT / CERTIFICATE_LOOKUP_WINDOW_SECONDS.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import logging
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db.models import F
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from certification.models import Application, Certificate
from portal.errors import ServiceError

logger = logging.getLogger(__name__)

FORMAT_VERSION = "1"
SEPARATOR = "|"
MAX_PAYLOAD_CHARS = 400
SIGNATURE_BYTES = 64


# --- errors -----------------------------------------------------------------


class PayloadError(ServiceError):
    """A payload that does not prove anything (base class)."""

    code = "invalid"


class MalformedPayload(PayloadError):
    code = "malformed"


class TamperedPayload(PayloadError):
    code = "tampered"


class ForeignKeyPayload(PayloadError):
    code = "foreign_key"


class UnknownCertificate(PayloadError):
    code = "unknown_certificate"


def _malformed() -> MalformedPayload:
    return MalformedPayload(
        _(
            "This is not a certificate verification code of this portal: it is incomplete "
            "or damaged. Scan the QR code again or look the certificate up by its number."
        )
    )


def _tampered() -> TamperedPayload:
    return TamperedPayload(
        _(
            "The verification code has been altered: its signature does not match its "
            "content. Do not rely on this certificate; look it up by its number instead."
        )
    )


def _foreign() -> ForeignKeyPayload:
    return ForeignKeyPayload(
        _(
            "The verification code was not signed by this portal. Do not rely on this "
            "certificate; look it up by its number instead."
        )
    )


def _unknown() -> UnknownCertificate:
    return UnknownCertificate(
        _("The signature is genuine, but no certificate with this number is on record.")
    )


# --- keys -------------------------------------------------------------------


@dataclass(frozen=True)
class _Keys:
    private: Ed25519PrivateKey
    key_id: str
    public_pem: str
    # key id → public key, including keys of earlier rotations.
    public: dict[str, Ed25519PublicKey]


_keys: _Keys | None = None
_keys_lock = threading.Lock()


def key_id_of(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:8]


def _public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _read_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            f"CERTIFICATE_SIGNING_KEY={path}: cannot read an unencrypted PEM private key ({error})"
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"CERTIFICATE_SIGNING_KEY={path} is not an Ed25519 key")
    return key


def _read_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as error:
        raise ImproperlyConfigured(f"{path}: cannot read a PEM public key ({error})") from error
    if not isinstance(key, Ed25519PublicKey):
        raise ImproperlyConfigured(f"{path} is not an Ed25519 public key")
    return key


def development_key_path() -> Path:
    return Path(settings.VAR_DIR) / "certificate-signing-key.pem"


def _development_key() -> Ed25519PrivateKey:
    """The generated key of a development machine (DEBUG only), created once."""
    path = development_key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(pem)
            os.chmod(temporary, 0o600)
            try:
                os.link(temporary, path)  # atomic; another process may have won
                logger.warning(
                    "CERTIFICATE_SIGNING_KEY is not set: generated a development signing "
                    "key at %s (DEBUG only; set CERTIFICATE_SIGNING_KEY in production)",
                    path,
                )
            except FileExistsError:
                pass
        finally:
            os.unlink(temporary)
    return _read_private_key(path)


def _load_keys() -> _Keys:
    configured = settings.CERTIFICATE_SIGNING_KEY
    if configured:
        private = _read_private_key(Path(configured))
    elif settings.CERTIFICATE_SIGNING_KEY_GENERATE:
        private = _development_key()
    else:
        raise ImproperlyConfigured(
            "CERTIFICATE_SIGNING_KEY must be set to the path of an Ed25519 PEM private key "
            "to sign and verify certificates (generate one with: openssl genpkey "
            "-algorithm ed25519 -out signing-key.pem)"
        )
    public_key = private.public_key()
    key_id = key_id_of(public_key)
    public = {key_id: public_key}
    for path in settings.CERTIFICATE_PREVIOUS_PUBLIC_KEYS:
        previous = _read_public_key(Path(path))
        public.setdefault(key_id_of(previous), previous)
    return _Keys(private=private, key_id=key_id, public_pem=_public_pem(public_key), public=public)


def keys() -> _Keys:
    """The loaded keys, read from disk once per process."""
    global _keys
    if _keys is None:
        with _keys_lock:
            if _keys is None:
                _keys = _load_keys()
    return _keys


def public_key_pem() -> str:
    return keys().public_pem


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs) -> None:
    global _keys
    if setting.startswith("CERTIFICATE_") or setting == "VAR_DIR":
        _keys = None


# --- payloads ---------------------------------------------------------------


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not text or "=" in text:
        raise _malformed()
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise _malformed() from None
    # Only the canonical spelling: the decoder skips stray characters and
    # ignores a last character's spare bits, so one payload has no twins.
    if _b64encode(data) != text:
        raise _malformed()
    return data


@dataclass(frozen=True)
class SignedData:
    """What the printed certificate says, as proven by the signature."""

    number: str
    uscc: str
    tier: str
    valid_from: datetime.date
    valid_until: datetime.date
    key_id: str


@dataclass(frozen=True)
class VerifiedPayload(SignedData):
    """Signed data whose certificate is on record."""

    certificate: Certificate = field(compare=False)


def _body(certificate: Certificate, key_id: str) -> str:
    return SEPARATOR.join(
        (
            FORMAT_VERSION,
            key_id,
            certificate.number,
            certificate.enterprise.uscc,
            certificate.tier,
            f"{certificate.valid_from:%Y%m%d}",
            f"{certificate.valid_until:%Y%m%d}",
        )
    )


def payload_for(certificate: Certificate) -> str:
    """The signed payload of the certificate's QR code (format: module docstring)."""
    current = keys()
    body = _body(certificate, current.key_id).encode("utf-8")
    return f"{_b64encode(body)}.{_b64encode(current.private.sign(body))}"


def verification_url(certificate: Certificate) -> str:
    """The absolute URL the certificate's QR code opens (with the signed
    payload), e.g. https://portal.example/verify/<payload>/."""
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return base + reverse("verify:payload", args=[payload_for(certificate)])


def _parse_date(text: str) -> datetime.date:
    if len(text) != 8 or not text.isdigit():
        raise _malformed()
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise _malformed() from None


def verify_signature(
    payload: str, public_keys: dict[str, Ed25519PublicKey] | None = None
) -> SignedData:
    """Check the signature only (no database): the payload's data, or a
    PayloadError. ``public_keys`` (key id → key) defaults to this portal's."""
    payload = (payload or "").strip()
    if len(payload) > MAX_PAYLOAD_CHARS or payload.count(".") != 1:
        raise _malformed()
    body_text, signature_text = payload.split(".")
    body = _b64decode(body_text)
    signature = _b64decode(signature_text)
    try:
        fields = body.decode("utf-8").split(SEPARATOR)
    except UnicodeDecodeError:
        raise _malformed() from None
    if len(fields) != 7 or fields[0] != FORMAT_VERSION or len(signature) != SIGNATURE_BYTES:
        raise _malformed()
    _version, key_id, number, uscc, tier, valid_from, valid_until = fields
    if public_keys is None:
        public_keys = keys().public
    public_key = public_keys.get(key_id)
    if public_key is None:
        raise _foreign()
    try:
        public_key.verify(signature, body)
    except InvalidSignature:
        raise _tampered() from None
    if not number or not uscc or tier not in Application.Tier.values:
        raise _malformed()
    return SignedData(
        number=number,
        uscc=uscc,
        tier=tier,
        valid_from=_parse_date(valid_from),
        valid_until=_parse_date(valid_until),
        key_id=key_id,
    )


def public_certificates():
    """Certificates with what the public pages show, in one query."""
    return Certificate.objects.select_related("enterprise", "industry", "announcement__organiser")


def verify_payload(payload: str) -> VerifiedPayload:
    """Check the signature and find the certificate on record (one query)."""
    signed = verify_signature(payload)
    certificate = public_certificates().filter(number=signed.number).first()
    if certificate is None:
        raise _unknown()
    return VerifiedPayload(
        number=signed.number,
        uscc=signed.uscc,
        tier=signed.tier,
        valid_from=signed.valid_from,
        valid_until=signed.valid_until,
        key_id=signed.key_id,
        certificate=certificate,
    )


def record_check(certificate: Certificate) -> None:
    """Count one successful check (one UPDATE, safe under concurrency)."""
    now = timezone.now()
    Certificate.objects.filter(pk=certificate.pk).update(
        check_count=F("check_count") + 1, last_checked_at=now
    )
    certificate.check_count = (certificate.check_count or 0) + 1
    certificate.last_checked_at = now


# --- the statement ----------------------------------------------------------


class State:
    VALID = "valid"
    EXPIRING = "expiring_soon"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


def state_label(state: str) -> str:
    return {
        State.VALID: pgettext("certificate verification", "Valid"),
        State.EXPIRING: pgettext("certificate verification", "Expiring soon"),
        State.EXPIRED: pgettext("certificate verification", "Expired"),
        State.SUSPENDED: pgettext("certificate verification", "Suspended"),
        State.REVOKED: pgettext("certificate verification", "Revoked"),
    }[state]


@dataclass(frozen=True)
class Statement:
    state: str  # one of State
    label: str  # the big word: 有效 / 即将到期 / 已过期 / 已暂停 / 已撤销
    explanation: str
    days_left: int | None
    # The printed (signed) data differs from the current record: which fields.
    outdated: tuple[str, ...] = ()
    outdated_message: str = ""

    @property
    def good(self) -> bool:
        return self.state in (State.VALID, State.EXPIRING)


def tier_label(tier: str) -> str:
    try:
        return str(Application.Tier(tier).label)
    except ValueError:
        return tier


def _outdated(certificate: Certificate, signed: SignedData | None) -> tuple[tuple[str, ...], str]:
    if signed is None:
        return (), ""
    current = {
        "number": certificate.number,
        "uscc": certificate.enterprise.uscc,
        "tier": certificate.tier,
        "valid_from": certificate.valid_from,
        "valid_until": certificate.valid_until,
    }
    changed = tuple(name for name, value in current.items() if getattr(signed, name) != value)
    if not changed:
        return (), ""
    if "tier" in changed:
        message = _(
            "The printed certificate is outdated: it shows %(printed)s, but the grade on "
            "record is now %(current)s."
        ) % {"printed": tier_label(signed.tier), "current": tier_label(certificate.tier)}
    else:
        message = _(
            "The printed certificate is outdated: its details differ from the current "
            "record shown here. Rely on the record."
        )
    return changed, message


def statement(
    certificate: Certificate, today: datetime.date | None = None, signed: SignedData | None = None
) -> Statement:
    """What the verification page says about the certificate on ``today``;
    with ``signed`` (the payload's data) it also says whether the printed
    certificate still matches the record."""
    today = today or timezone.localdate()
    days_left = (certificate.valid_until - today).days
    status = certificate.status
    if status == Certificate.Status.REVOKED:
        state = State.REVOKED
        explanation = _(
            "The grading authority has revoked this certificate. The enterprise "
            "no longer holds this grade."
        )
    elif status == Certificate.Status.SUSPENDED:
        state = State.SUSPENDED
        explanation = _(
            "The grading authority has suspended this certificate. It is not "
            "valid until it is reinstated."
        )
    elif status == Certificate.Status.EXPIRED or days_left < 0:
        state = State.EXPIRED
        explanation = _("This certificate expired on %(date)s.") % {
            "date": certificate.valid_until.isoformat()
        }
    elif days_left <= settings.CERTIFICATE_EXPIRING_DAYS:
        state = State.EXPIRING
        explanation = _(
            "This certificate is valid, but expires in %(days)d days (on %(date)s)."
        ) % {"days": days_left, "date": certificate.valid_until.isoformat()}
    else:
        state = State.VALID
        explanation = _("This certificate is valid until %(date)s.") % {
            "date": certificate.valid_until.isoformat()
        }
    changed, message = _outdated(certificate, signed)
    return Statement(
        state=state,
        label=state_label(state),
        explanation=explanation,
        days_left=days_left if days_left >= 0 else None,
        outdated=changed,
        outdated_message=message,
    )


def public_fields(certificate: Certificate) -> dict:
    """The only fields shown to the public (page, API, command)."""
    enterprise = certificate.enterprise
    return {
        "number": certificate.number,
        "enterprise": enterprise.name,
        "uscc": enterprise.uscc,
        "tier": certificate.tier,
        "tier_display": tier_label(certificate.tier),
        "industry": str(certificate.industry),  # in the reader's language
        "valid_from": certificate.valid_from,
        "valid_until": certificate.valid_until,
        "status": certificate.status,
        "issued_by": certificate.announcement.organiser.name,
    }


# --- lookups ----------------------------------------------------------------


class LookupThrottled(ServiceError):
    pass


def _lookup_key(ip: str | None) -> str:
    return f"certificate-lookups:{ip or '-'}"


def count_lookup(ip: str | None) -> None:
    """Count one lookup from ``ip``; refuse once over the limit, so the
    register cannot be read out by trying numbers or USCCs."""
    key = _lookup_key(ip)
    if cache.add(key, 1, settings.CERTIFICATE_LOOKUP_WINDOW_SECONDS):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired in between
            cache.set(key, 1, settings.CERTIFICATE_LOOKUP_WINDOW_SECONDS)
            count = 1
    if count > settings.CERTIFICATE_LOOKUP_LIMIT:
        minutes = max(1, settings.CERTIFICATE_LOOKUP_WINDOW_SECONDS // 60)
        raise LookupThrottled(
            _(
                "Too many lookups from your address. Try again in %(minutes)d minutes, or scan "
                "the certificate's QR code, which is not limited."
            )
            % {"minutes": minutes}
        )


def lookup(*, number: str = "", uscc: str = "") -> list[Certificate]:
    """Certificates by exact certificate number or USCC (newest first)."""
    number = (number or "").strip()
    uscc = (uscc or "").strip().upper()
    if number:
        queryset = public_certificates().filter(number=number)
    elif uscc:
        queryset = public_certificates().filter(enterprise__uscc=uscc)
    else:
        return []
    return list(queryset.order_by("-valid_from", "-id")[:20])

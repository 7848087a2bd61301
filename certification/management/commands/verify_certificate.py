"""Verify a certificate's QR payload from the command line.

    python manage.py verify_certificate <payload>
    python manage.py verify_certificate --offline --public-key public-key.pem <payload>

Online: the signature and the current record (the statement the public page
shows). Offline: only the signature against the given public key, without the
database — what a printed certificate proves by itself. A URL from the QR
code is accepted as well as the bare payload. Exit code 1 when the payload
proves nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.certificates import signing as verify


def bare_payload(text: str) -> str:
    """The payload of a scanned URL (…/verify/<payload>/) or the payload itself."""
    text = text.strip()
    if "/" in text:
        text = [part for part in text.split("/") if part][-1]
    return text


class Command(BaseCommand):
    help = "Verify a certificate's QR payload (signature, and the record unless --offline)."

    def add_arguments(self, parser):
        parser.add_argument("payload", help="The payload or the URL of the QR code.")
        parser.add_argument(
            "--offline", action="store_true", help="Check only the signature, without the database."
        )
        parser.add_argument("--public-key", help="PEM public key for --offline.")

    def handle(self, *args, payload, offline, public_key, **options):
        payload = bare_payload(payload)
        if offline:
            self._offline(payload, public_key)
        else:
            self._online(payload)

    def _offline(self, payload: str, public_key: str | None) -> None:
        if not public_key:
            raise CommandError(
                "--offline needs --public-key path.pem (published at /verify/public-key.pem)"
            )
        try:
            key = verify._read_public_key(Path(public_key))
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        try:
            signed = verify.verify_signature(payload, {verify.key_id_of(key): key})
        except verify.PayloadError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(_("Signature genuine (key %(key_id)s).") % {"key_id": signed.key_id})
        self._lines(
            [
                (_("Certificate number"), signed.number),
                (_("Unified social credit code"), signed.uscc),
                (_("Grade"), verify.tier_label(signed.tier)),
                (_("Validity"), f"{signed.valid_from:%Y-%m-%d} – {signed.valid_until:%Y-%m-%d}"),
            ]
        )
        self.stdout.write(
            _(
                "Offline check: whether the certificate was since suspended, "
                "revoked or downgraded only the portal can tell."
            )
        )

    def _online(self, payload: str) -> None:
        try:
            verified = verify.verify_payload(payload)
        except verify.PayloadError as error:
            raise CommandError(str(error.message)) from None
        certificate = verified.certificate
        said = verify.statement(certificate, timezone.localdate(), signed=verified)
        fields = verify.public_fields(certificate)
        self.stdout.write(f"{said.label}: {said.explanation}")
        if said.outdated_message:
            self.stdout.write(said.outdated_message)
        self._lines(
            [
                (_("Enterprise"), fields["enterprise"]),
                (_("Unified social credit code"), fields["uscc"]),
                (_("Grade"), fields["tier_display"]),
                (_("Industry"), fields["industry"]),
                (_("Certificate number"), fields["number"]),
                (
                    _("Validity"),
                    f"{fields['valid_from']:%Y-%m-%d} – {fields['valid_until']:%Y-%m-%d}",
                ),
                (_("Issued by"), fields["issued_by"]),
            ]
        )

    def _lines(self, rows) -> None:
        for label, value in rows:
            self.stdout.write(f"  {label}: {value}")

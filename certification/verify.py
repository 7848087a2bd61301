"""Checking a certificate (issue 5): the signed QR payload, the public
verification page's statement, and lookups by number or USCC.

Used by certification/certificate_pdf.py to put the QR code on the
certificate: ``verification_url(certificate)``.
"""

from __future__ import annotations

from certification.models import Certificate


def verification_url(certificate: Certificate) -> str:
    """The absolute URL the certificate's QR code opens (with the signed
    payload), e.g. https://portal.example/verify/<payload>."""
    raise NotImplementedError

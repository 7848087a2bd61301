"""What a step of the workflow tells the later steps, which connect in
CertificationConfig.ready: an earlier step never imports a later one."""

from django.dispatch import Signal

# Publicity and announcement issued a certificate (inside the announcement's
# transaction), with certificate and actor: the lifecycle opens its history and
# its annual self-assessments.
certificate_issued = Signal()

# An award announcement was made (inside its transaction), with announcement:
# its certificates' PDFs are rendered once it commits.
announcement_made = Signal()

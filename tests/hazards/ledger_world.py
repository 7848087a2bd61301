"""One recorded hazard with a photo, for tests that need one of each object (the URL
matrix): made once per database state, found again on later calls."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from hazards import services
from hazards.models import Hazard, HazardPhoto
from tests.hazards.factories import PNG, fields

MARK = "URL matrix hazard"


def hazard_with_photo(cast) -> tuple[Hazard, HazardPhoto]:
    hazard = Hazard.objects.filter(enterprise=cast.ent, location=MARK).first()
    if hazard is None:
        hazard = services.hazard_record(
            actor=cast.enterprise, enterprise=cast.ent, **fields(location=MARK)
        )
        services.photo_add(
            actor=cast.enterprise,
            hazard=hazard,
            kind="before",
            upload=SimpleUploadedFile("matrix.png", PNG),
        )
    return hazard, hazard.photos.get()

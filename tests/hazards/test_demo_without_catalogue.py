"""seed_demo without the hazard catalogue: the ledgers are seeded without the major
hazard and the output says why. Its own module: the others share a seeded demo."""

from hazards.models import Hazard
from tests.hazards.test_demo import S, ledger, seed


def test_without_the_catalogue_seed_demo_still_works_and_says_why(db, capsys):
    out = seed()
    assert "demo-enterprise" in out
    hazards = ledger("demo-enterprise")
    assert hazards.filter(status=S.CLOSED).exists()
    assert not hazards.filter(grade=Hazard.Grade.MAJOR).exists()
    assert "load_hazard_catalogues" in capsys.readouterr().out

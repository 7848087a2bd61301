"""seed_demo without the shipped standards: the rest is seeded and the output says why
there are no applications. Its own module: the others share a seeded demo."""

from certification.models import Application
from tests.certification.test_demo_applications import seed


def test_without_the_standards_seed_demo_still_works_and_says_why(db, capsys):
    out = seed()
    assert "demo-enterprise" in out
    assert not Application.objects.exists()
    assert "load_standards" in capsys.readouterr().out

"""django-guardian is wired in: a per-object grant widens a review unit's scope."""

from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from enterprises.models import Enterprise


def test_a_grant_opens_one_enterprise_to_a_reviewer_and_its_removal_closes_it(cast, client_for):
    url = reverse("enterprises:detail", args=[cast.ent.pk])
    client = client_for(cast.reviewer)
    assert client.get(url).status_code == 404
    assign_perm("enterprises.view_enterprise", cast.reviewer, cast.ent)
    assert cast.reviewer.has_perm("enterprises.view_enterprise", cast.ent)
    assert list(Enterprise.objects.visible_to(cast.reviewer)) == [cast.ent]
    assert client.get(url).status_code == 200
    # Seeing is not editing: still 403 on the edit page.
    assert client.get(reverse("enterprises:edit", args=[cast.ent.pk])).status_code == 403
    remove_perm("enterprises.view_enterprise", cast.reviewer, cast.ent)
    assert client.get(url).status_code == 404

"""Application pages (being built: see issue 4)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def application_list(request):
    raise Http404


@login_required
def application_detail(request, pk):
    raise Http404

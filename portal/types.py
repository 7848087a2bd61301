"""Type names shared by the apps' annotations."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from portal.models import User

# Whoever makes the request: request.user, logged in or not.
AnyUser: TypeAlias = User | AnonymousUser

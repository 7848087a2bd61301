"""The login backend: Django's, reading the user's organisation with the user.

Every signed-in request asks ``user.can_act`` (portal.middleware), which reads the
organisation; most pages then read its kind and region. One join saves that query
on every request.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("organisation").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

from portal.navigation import navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": navigation_for(user), "unread_notifications": _unread_count(user)}


def _unread_count(user):
    """The bell's figure, counted once and only when a template shows it
    (partials rendered with the request don't pay for it)."""
    cache = []

    def count() -> int:
        if not cache:
            from portal.models import Notification

            cache.append(Notification.objects.filter(recipient=user, read_at__isnull=True).count())
        return cache[0]

    return count

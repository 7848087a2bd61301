from django import template

register = template.Library()


@register.filter
def changes(event) -> list[tuple[str, object, object]]:
    """An audit event's before/after values as (field, before, after) rows."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    keys = list(after) + [key for key in before if key not in after]
    return [(key, before.get(key), after.get(key)) for key in keys]

"""Which rows a user may see, looked up by model.

Every model with a scope has a ``visible_to(user)`` queryset method that asks
here; each app's selectors (or scopes) module holds the rule and registers it
when the app is ready (``AppConfig.ready``). The models thus never import the
modules that hold their rules, which import the models: the dependency runs
one way, rules → models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet

Q = TypeVar("Q", bound=QuerySet[Any])
Rule = Callable[[Any, Any], Any]

_RULES: dict[str, Rule] = {}


def register(label: str, rule: Rule) -> None:
    """``label`` is the model's "app_label.ModelName"; ``rule(user, qs)`` narrows qs."""
    _RULES[label] = rule


def apply(qs: Q, user: Any) -> Q:
    """The rows of ``qs`` the user may see (nothing when no rule is registered)."""
    rule = _RULES.get(qs.model._meta.label)
    if rule is None:
        return qs.none()
    narrowed: Q = rule(user, qs)
    return narrowed

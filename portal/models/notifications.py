"""In-app notifications: one row per recipient user, and how each user wants
them by e-mail (at once, or in one daily digest) and in which language.

A notification keeps its message untranslated (``message``: the msgid and
its values, see ``message()``) and is translated when read: on a page or in
the API in the reader's language, by e-mail in the recipient's
(``NotificationPreference.language``). ``text`` is the message rendered once
in the portal's language when sent (the admin, and rows written before
``message`` existed, which show it as is).
"""

from __future__ import annotations

from typing import Any, NamedTuple, cast

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext, npgettext, pgettext
from django.utils.translation import gettext_lazy as _

# A message as stored: {"msgid": ..., "params": {...}} with, when needed,
# "plural" (the plural msgid) and "number" (the name of the value that chooses
# the form), and "context" (a msgctxt). A value is plain (a name, a number, a
# date: shown as is), a message of the same shape (translated with it), or a
# list (joined with the language's list separator).
Message = dict[str, Any]

TEXT_LIMIT = 300


class Plural(NamedTuple):
    singular: str
    plural: str


def ngettext_noop(singular: str, plural: str) -> Plural:
    """Marks a plural message untranslated, as gettext_noop marks a singular one
    (makemessages knows the keyword: portal/management/commands/makemessages.py)."""
    return Plural(singular, plural)


def message(
    msgid: str | Promise | Plural, /, *, plural_by: str = "count", **params: Any
) -> Message:
    """A notification's message: ``msgid`` marked with gettext_noop (or a lazy
    string, or both forms marked with ngettext_noop, where the value named
    ``plural_by`` chooses the form), its values by name. Lazy values (a choice's
    label, gettext_lazy) keep their msgid and are translated with the message."""
    if isinstance(msgid, Plural):
        data: Message = {"msgid": msgid.singular, "plural": msgid.plural, "number": plural_by}
    else:
        data = _translatable(msgid)
    if params:
        data["params"] = {name: _value(value) for name, value in params.items()}
    return data


def label(choices: type[models.Choices], value: str) -> Promise | str:
    """A choice's label untranslated (a message's value): ``get_FOO_display()``
    gives it already translated."""
    try:
        return choices(value).label
    except ValueError:
        return value


def _translatable(value: str | Promise) -> Message:
    if not isinstance(value, Promise):
        return {"msgid": str(value)}
    # A lazy string pickles as (function, its arguments): gettext(msgid) or
    # pgettext(context, msgid); anything else (format_lazy) is kept as rendered
    # in the portal's language.
    reduced = cast(tuple[Any, tuple[Any, ...]], value.__reduce__())
    function, args, kwargs = reduced[1][:3]
    name = getattr(function, "__name__", "")
    if name == "gettext" and len(args) == 1 and not kwargs:
        return {"msgid": str(args[0])}
    if name == "pgettext" and len(args) == 2 and not kwargs:
        return {"msgid": str(args[1]), "context": str(args[0])}
    with translation.override(settings.LANGUAGE_CODE):
        return {"msgid": str(value)}


def _value(value: Any) -> Any:
    if isinstance(value, Promise):
        return _translatable(value)
    if isinstance(value, dict):
        return value  # a message()
    if isinstance(value, (list, tuple)):
        return [_value(item) for item in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)  # dates as their isoformat() are the callers' choice


def render(data: Message) -> str:
    """The message in the active language."""
    values = {name: _rendered(value) for name, value in (data.get("params") or {}).items()}
    msgid, context, plural = data["msgid"], data.get("context"), data.get("plural")
    count = _count(values.get(data.get("number", "count")))
    if plural:
        text = (
            npgettext(context, msgid, plural, count) if context else ngettext(msgid, plural, count)
        )
    else:
        text = pgettext(context, msgid) if context else gettext(msgid)
    if not values:
        return text
    try:
        return text % values
    except (KeyError, ValueError, TypeError):
        # A translation that does not fit its values: the message as written.
        written = plural if plural and count != 1 else msgid
        try:
            return written % values
        except (KeyError, ValueError, TypeError):
            return written


def _rendered(value: Any) -> Any:
    if isinstance(value, dict) and "msgid" in value:
        return render(value)
    if isinstance(value, list):
        return pgettext("list separator", ", ").join(str(_rendered(item)) for item in value)
    return value


def _count(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(_("text"), max_length=TEXT_LIMIT)
    # The message untranslated (see message()); empty on rows written before it.
    message = models.JSONField(_("message"), null=True, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # When it went out by e-mail (at once or in a digest); empty: still to go
    # in the next daily digest.
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The header's bell counts a user's unread notifications on every page.
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            # The daily digest reads what has not been e-mailed yet.
            models.Index(
                fields=["recipient", "created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_unmailed_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.render()

    def render(self) -> str:
        """The text in the active language: the reader's on a page or in the API,
        the recipient's in a mail (translation.override)."""
        if not self.message:
            return self.text
        return render(self.message)[:TEXT_LIMIT]


class NotificationPreference(models.Model):
    """A user's choice of e-mail and its language; a user without one gets the
    daily digest in the portal's language."""

    class Email(models.TextChoices):
        DAILY = "daily", _("One e-mail a day with everything new")
        IMMEDIATE = "immediate", _("One e-mail for each notification")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(_("e-mail"), max_length=10, choices=Email.choices, default=Email.DAILY)
    # The e-mails' language, chosen with the e-mail on the notifications page (or
    # the API). Kept apart from the page's language switch: that is a cookie of
    # one browser (a shared office desktop, a colleague's session), and a mail
    # should not change language behind its recipient's back.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # The day of the last digest sent: at most one digest per user per day,
    # however often the job runs.
    digest_sent_on = models.DateField(_("last digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"

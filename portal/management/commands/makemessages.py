"""Django's makemessages, also reading plural messages marked with ngettext_noop
(a notification's message is stored untranslated: portal/models/notifications.py)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=ngettext_noop:1,2"]

"""The enterprise's name kept on the rows an official's list searches by it.

An application list or a self-assessment list is searched by the enterprise's name
(华信). Matching names in the registry first and then probing the list's table for
each of them reads every match city-wide: 3,000 enterprises for a common 字号, to find
the 130 applications of one district. With a copy of the name on the list's own row,
the list's own grams index finds its rows directly.

The copy is taken when the row is written (``save``) and follows the registry in the
transaction that renames the enterprise (enterprises.signals.enterprise_renamed: the
owning apps' registry_sync modules). Bulk writers set ``enterprise_name`` themselves.
A search that could be the start of a credit code (ASCII letters and digits) asks the
registry as before: the code is not copied.
"""

from __future__ import annotations

from django.db import connections, migrations, models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from enterprises.uscc import normalise_uscc
from portal.text_search import GRAMS_FUNCTION, GramsIndex, TextFragment


class EnterpriseNameCopy(models.Model):
    enterprise_name = models.CharField(
        _("enterprise name"), max_length=200, blank=True, default="", editable=False
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        # A new row (a copy of another included) takes its enterprise's current name.
        if self.pk is None:
            self.enterprise_name = self.enterprise.name  # type: ignore[attr-defined]
        super().save(*args, **kwargs)


def name_copy_index(table: str) -> GramsIndex:
    """The grams index on ``table``'s copy of the name (see ``add_name_copy_index``).
    Its rows are found through it, never by walking an order."""
    return GramsIndex(name=f"{table}_ent_name_grams", order="enterprise_name")


def enterprise_search(search: str, index: GramsIndex, using: str = "default") -> Q:
    """The rows whose enterprise the registry's search finds (name contains ``search``,
    or the credit code starts with it), read from the row's copy of the name."""
    from enterprises.selectors import could_be_uscc, enterprise_matches

    search = search.strip()
    if could_be_uscc(normalise_uscc(search)):
        return enterprise_matches(search)
    if connections[using].vendor != "postgresql":
        return Q(enterprise_name__icontains=search)
    return Q(TextFragment(F("enterprise_name"), fragment=search, index=index, may_walk=False))


def add_name_copy_index(table: str) -> migrations.RunPython:
    """A migration step: the grams GIN index on ``table``'s copy of the name
    (PostgreSQL; the function is the registry's, enterprises migration 0013)."""
    index = name_copy_index(table).name

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON {table} "
            f'USING gin ({GRAMS_FUNCTION}(UPPER("enterprise_name"::text)))'
        )
        schema_editor.execute(f"ANALYZE {table}")

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")

    return migrations.RunPython(create, drop, elidable=False)


def copy_names(table: str) -> migrations.RunSQL:
    """A migration step: every existing row takes its enterprise's name."""
    return migrations.RunSQL(
        f"UPDATE {table} SET enterprise_name = (SELECT e.name FROM enterprises_enterprise e "
        f"WHERE e.id = {table}.enterprise_id)",
        migrations.RunSQL.noop,
        elidable=False,
    )

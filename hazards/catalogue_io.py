"""Loading a major-hazard catalogue (重大事故隐患判定标准) from its YAML file: check
everything first, then write in one transaction. The same file again changes nothing
(its sha256 is kept); a new version of a catalogue retires the older ones in force.
The format: docs/hazard-catalogue-format.md."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from hazards.models import CatalogueItem, CatalogueVersion, HazardCatalogue
from portal import audit
from portal.errors import ServiceError
from portal.models import Industry, User

SCHEMA_FILE = Path(__file__).resolve().parent / "catalogue_schema.json"
SHIPPED = Path(__file__).resolve().parent / "catalogues"
MAX_BYTES = 2 * 1024 * 1024


class CatalogueFileError(Exception):
    """A catalogue file that cannot be loaded; ``problems`` name the file and the item."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ParsedCatalogue:
    file: str
    sha256: str
    data: dict[str, Any]

    @property
    def code(self) -> str:
        return str(self.data["code"])

    @property
    def version(self) -> str:
        return str(self.data["version"])

    @property
    def items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.data["items"]
        return items


@dataclass(frozen=True)
class LoadResult:
    version: CatalogueVersion
    action: str  # "created", "updated" or "unchanged"
    retired: int

    @property
    def changed(self) -> bool:
        return self.action != "unchanged"


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _where(data: Any, path: list[str | int]) -> str:
    """ "items[4] (4.1).text" for an error inside an item, the field name otherwise."""
    if len(path) >= 2 and path[0] == "items" and isinstance(path[1], int):
        index = path[1]
        item = data["items"][index] if isinstance(data.get("items"), list) else None
        code = item.get("code") if isinstance(item, dict) else None
        where = f"items[{index}]" + (f" ({code})" if code is not None else "")
        rest = ".".join(str(part) for part in path[2:])
        return f"{where}.{rest}" if rest else where
    return ".".join(str(part) for part in path) or _("file")


def _plain(value: Any) -> Any:
    """YAML reads dates as dates; the schema checks them as ISO strings."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _rule_problems(data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(data["items"]):
        code = item["code"]
        if code in seen:
            problems.append(
                _("items[%(index)d] (%(code)s): the code is also used by items[%(other)d].")
                % {"index": index, "code": code, "other": seen[code]}
            )
        seen.setdefault(code, index)
    counts: dict[str, int] = {}
    for item in data["items"]:
        counts[item["group"]] = counts.get(item["group"], 0) + 1
    declared = data.get("counts")
    if declared is not None and declared != counts:
        problems.append(
            _("counts: the header declares %(declared)s but the items give %(actual)s.")
            % {
                "declared": json.dumps(declared, ensure_ascii=False, sort_keys=True),
                "actual": json.dumps(counts, ensure_ascii=False, sort_keys=True),
            }
        )
    for group, limit in (data.get("regulation_counts") or {}).items():
        if counts.get(group, 0) > limit:
            problems.append(
                _("counts: %(group)s has %(n)d items, more than the regulation's %(limit)d.")
                % {"group": group, "n": counts[group], "limit": limit}
            )
    unknown_groups = set(counts) - set(data.get("regulation_counts") or counts)
    for group in sorted(unknown_groups):
        problems.append(
            _("regulation_counts: the group “%(group)s” of the items is not declared.")
            % {"group": group}
        )
    wanted = data.get("industries") or []
    known = set(Industry.objects.filter(code__in=wanted).values_list("code", flat=True))
    for code in wanted:
        if code not in known:
            problems.append(_("industries: unknown industry code “%(code)s”.") % {"code": code})
    return problems


def parse_catalogue_file(*, filename: str, content: bytes) -> ParsedCatalogue:
    """Read and check a file; CatalogueFileError lists every problem, each prefixed by
    the file's name and, inside an item, the item's position and code."""
    name = Path(filename).name

    def refuse(messages: list[str]) -> CatalogueFileError:
        return CatalogueFileError([f"{name}: {message}" for message in messages])

    if len(content) > MAX_BYTES:
        raise refuse([_("the file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 2**20}])
    try:
        raw = yaml.safe_load(content.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise refuse([_("not a readable YAML file (%(error)s).") % {"error": error}]) from None
    if not isinstance(raw, dict):
        raise refuse([_("the file must hold a mapping of fields (code, name, items…).")])
    data: dict[str, Any] = _plain(raw)
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.path])
    if errors:
        raise refuse([f"{_where(data, list(error.path))}: {error.message}" for error in errors])
    problems = _rule_problems(data)
    if problems:
        raise refuse(problems)
    return ParsedCatalogue(file=name, sha256=hashlib.sha256(content).hexdigest(), data=data)


def _item_values(item: dict[str, Any], position: int) -> dict[str, Any]:
    return {
        "group": item["group"],
        "section": item.get("section", ""),
        "text": item["text"],
        "order": item.get("order", position),
    }


@transaction.atomic
def load_catalogue(parsed: ParsedCatalogue, *, actor: User | None = None) -> LoadResult:
    """Create or update the catalogue and this version with its items; retire the
    catalogue's other versions in force that took effect earlier."""
    data = parsed.data
    catalogue, created = HazardCatalogue.objects.select_for_update().get_or_create(
        code=parsed.code, defaults={"name": data["name"], "sector": data["sector"]}
    )
    effective = datetime.date.fromisoformat(data["effective_date"])
    version = (
        CatalogueVersion.objects.select_for_update()
        .filter(catalogue=catalogue, version=parsed.version)
        .first()
    )
    if version is not None and version.sha256 == parsed.sha256:
        return LoadResult(version=version, action="unchanged", retired=0)

    if not created and (catalogue.name, catalogue.sector) != (data["name"], data["sector"]):
        catalogue.name, catalogue.sector = data["name"], data["sector"]
        catalogue.save(update_fields=["name", "sector"])
    industries = list(Industry.objects.filter(code__in=data.get("industries") or []))
    if {i.code for i in catalogue.industries.all()} != {i.code for i in industries}:
        catalogue.industries.set(industries)

    action = "updated" if version is not None else "created"
    if version is None:
        version = CatalogueVersion.objects.create(
            catalogue=catalogue,
            version=parsed.version,
            source=data["source"],
            effective_date=effective,
            sha256=parsed.sha256,
        )
    else:
        version.source, version.effective_date, version.sha256 = (
            data["source"],
            effective,
            parsed.sha256,
        )
        version.save()
    _write_items(version, parsed)

    retired = 0
    later = CatalogueVersion.objects.filter(
        catalogue=catalogue,
        status=CatalogueVersion.Status.PUBLISHED,
        effective_date__gt=effective,
    ).exclude(pk=version.pk)
    if version.status == CatalogueVersion.Status.PUBLISHED and later.exists():
        # An older edition loaded after a newer one is kept for the record only.
        version.status = CatalogueVersion.Status.RETIRED
        version.save(update_fields=["status"])
    if version.status == CatalogueVersion.Status.PUBLISHED:
        older = CatalogueVersion.objects.filter(
            catalogue=catalogue,
            status=CatalogueVersion.Status.PUBLISHED,
            effective_date__lte=effective,
        ).exclude(pk=version.pk)
        for old in older:
            old.status = CatalogueVersion.Status.RETIRED
            old.save(update_fields=["status"])
            audit.record(
                actor=actor,
                action="hazard_catalogue.retire",
                obj=old,
                before={"status": CatalogueVersion.Status.PUBLISHED},
                after={"status": CatalogueVersion.Status.RETIRED, "by": version.version},
            )
            retired += 1
    audit.record(
        actor=actor,
        action=f"hazard_catalogue.{'load' if action == 'created' else 'reload'}",
        obj=version,
        after={"file": parsed.file, "sha256": parsed.sha256, "items": len(parsed.items)},
    )
    return LoadResult(version=version, action=action, retired=retired)


def _write_items(version: CatalogueVersion, parsed: ParsedCatalogue) -> None:
    """Items are matched by code: changed ones are updated in place (a hazard that cites
    one keeps citing it), new ones created; removing one a hazard cites is refused."""
    existing = {item.code: item for item in version.items.all()}
    wanted = {item["code"] for item in parsed.items}
    gone = [item for code, item in existing.items() if code not in wanted]
    cited = [item.code for item in gone if item.hazards.exists()]
    if cited:
        raise ServiceError(
            _(
                "%(file)s: items %(codes)s of %(catalogue)s %(version)s are cited by hazards "
                "and cannot be removed; give the file a new version."
            )
            % {
                "file": parsed.file,
                "codes": ", ".join(cited),
                "catalogue": parsed.code,
                "version": parsed.version,
            }
        )
    CatalogueItem.objects.filter(pk__in=[item.pk for item in gone]).delete()
    for position, item in enumerate(parsed.items, start=1):
        values = _item_values(item, position)
        current = existing.get(item["code"])
        if current is None:
            CatalogueItem(version=version, code=item["code"], **values).save()
        elif any(getattr(current, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(current, field, value)
            current.save()


def shipped_files() -> list[Path]:
    return sorted(SHIPPED.glob("*.yaml"))

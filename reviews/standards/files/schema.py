"""Checking file data against reviews/standards/standard_schema.json, every error in the
user's language and located in the file."""

from __future__ import annotations

import difflib
import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path as FilePath
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from reviews.standards.files.problems import Locator, Path, Problem, context_for

SCHEMA_FILE = FilePath(__file__).resolve().parent.parent / "standard_schema.json"
_REQUIRED = re.compile(r"^'(?P<key>.+)' is a required property$")


@cache
def schema() -> dict:
    # Decimal, so "multipleOf: 0.1" is exact (0.3 / 0.1 is not 3 in floats).
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"), parse_float=Decimal)


@cache
def validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(schema())
    return Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_problems(data: Any, *, file: str, locator: Locator) -> list[Problem]:
    problems = []
    for error in validator().iter_errors(data):
        for path, message in _explain(error):
            problems.append(
                Problem(
                    message=message,
                    file=file,
                    path=path,
                    location=locator.locate(path),
                    context=context_for(data, path),
                )
            )
    return problems


def _type_name(name: str) -> str:
    return {
        "string": _("text"),
        "number": _("a number"),
        "integer": _("a whole number"),
        "boolean": _("true or false"),
        "array": _("a list"),
        "object": _("a mapping of keys to values"),
    }.get(name, name)


def _actual_type(value: Any) -> str:
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int | float | Decimal):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping of keys to values")
    return type(value).__name__


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _explain(error: ValidationError) -> list[tuple[Path, str]]:
    """(path, message) pairs for one schema error."""
    path: Path = tuple(error.absolute_path)
    kind = error.validator
    value = error.validator_value
    instance = error.instance
    field = path[-1] if path and isinstance(path[-1], str) else ""

    if "propertyNames" in error.relative_schema_path:
        return [
            (
                path + (str(instance),),
                _(
                    "Unknown grade “%(grade)s”. Thresholds are given for “1”, “2”, “3” (tiered "
                    "standards) or “pass” (small and micro and post standards)."
                )
                % {"grade": instance},
            )
        ]
    if kind == "required":
        match = _REQUIRED.match(error.message)
        key = match.group("key") if match else "?"
        return [(path + (key,), _("“%(key)s” is missing; it is required here.") % {"key": key})]
    if kind == "additionalProperties":
        allowed = list((error.schema.get("properties") or {}).keys())
        result = []
        for key in instance:
            if key in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1)
            if close:
                message = _("Unknown key “%(key)s”. Did you mean “%(close)s”?") % {
                    "key": key,
                    "close": close[0],
                }
            else:
                message = _("Unknown key “%(key)s”. Allowed here: %(allowed)s.") % {
                    "key": key,
                    "allowed": ", ".join(allowed),
                }
            result.append((path + (str(key),), message))
        return result
    if kind == "not":
        return [
            (
                path,
                _(
                    "An A element holds either B elements (“elements”) or criteria "
                    "(“criteria”), not both."
                ),
            )
        ]
    if kind == "type":
        message = _("Must be %(expected)s, not %(actual)s.") % {
            "expected": _type_name(value),
            "actual": _actual_type(instance),
        }
        if value == "string" and isinstance(instance, int | float | Decimal):
            message += " " + _('Put the value in quotes, e.g. "%(value)s".') % {"value": instance}
        return [(path, message)]
    if kind == "enum":
        return [
            (
                path,
                _("“%(value)s” is not allowed; use one of: %(allowed)s.")
                % {"value": _shown(instance), "allowed": ", ".join(str(v) for v in value)},
            )
        ]
    if kind == "pattern":
        if path == ("code",):
            hint = _("Use lower-case letters, digits and “-”, e.g. gongmao-general.")
        elif field == "code":
            hint = _("Use letters, digits, “.”, “-” and “_”, e.g. 1.2.3.")
        elif path and path[0] == "industries":
            hint = _("Use an industry code such as machinery or commerce.")
        else:
            hint = ""
        return [
            (
                path,
                (
                    _("“%(value)s” is not a valid value.") % {"value": _shown(instance)}
                    + (" " + hint if hint else "")
                ),
            )
        ]
    if kind == "format":
        return [
            (
                path,
                _("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2026-01-01.")
                % {"value": _shown(instance)},
            )
        ]
    if kind == "minLength":
        return [(path, _("Must not be empty."))]
    if kind == "maxLength":
        return [
            (
                path,
                _("Too long: at most %(limit)d characters, this has %(length)d.")
                % {"limit": value, "length": len(instance)},
            )
        ]
    if kind == "exclusiveMinimum":
        return [(path, _("Must be greater than %(limit)s.") % {"limit": value})]
    if kind == "minimum":
        return [(path, _("Must be at least %(limit)s.") % {"limit": value})]
    if kind == "maximum":
        return [(path, _("Must be at most %(limit)s.") % {"limit": value})]
    if kind == "multipleOf":
        return [
            (
                path,
                _(
                    "%(value)s has more than one decimal place; points are given to "
                    "one decimal at most."
                )
                % {"value": instance},
            )
        ]
    if kind in ("minItems", "minProperties"):
        return [(path, _("Must not be empty."))]
    if kind == "uniqueItems":
        return [(path, _("Lists the same value more than once."))]
    return [(path, error.message)]

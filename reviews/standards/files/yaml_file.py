"""Reading a standard's YAML file with the line of every key, and writing one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml
from django.utils.translation import gettext as _

from reviews.standards.files.problems import Location, Path, Problem

# A standard of 600 criteria is about 6,000 nodes; aliases can multiply a small
# file into millions ("billion laughs"), which this limit refuses.
MAX_NODES = 200_000

# The C parser when PyYAML was built with libyaml: several times faster.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    pass


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode):
    """2026-13-01 looks like a date to YAML but is none: keep the text, and
    let the schema say "not a date" with its line, instead of crashing."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


class YamlLocator:
    """Line numbers (1-based) of every key and list item, by path."""

    def __init__(self) -> None:
        self.lines: dict[Path, int] = {}

    def locate(self, path: Path) -> Location:
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return Location(line=self.lines.get(path))


def read_yaml(content: bytes, *, file: str) -> tuple[Any, YamlLocator, list[Problem]]:
    """(data, locator, problems): data is None when the file cannot be parsed."""
    locator = YamlLocator()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        return (
            None,
            locator,
            [
                Problem(
                    message=_("The file is not UTF-8 text. Save it with the encoding UTF-8."),
                    file=file,
                    location=Location(line=line),
                )
            ],
        )
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return (
                None,
                locator,
                [Problem(message=_("The file is empty."), file=file, location=Location(line=1))],
            )
        # Repeated keys are reported; the file is still read so that every
        # other problem is found in the same pass.
        problems = _record_lines(node, (), locator, file)
        if problems and problems[0].path == ():
            return None, locator, problems
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        detail = " ".join(part for part in (error.context, error.problem) if part)
        return (
            None,
            locator,
            [
                Problem(
                    message=_(
                        "This is not valid YAML: %(detail)s. Check the indentation and the "
                        "“:” after each key; text containing “: ” or “#” needs quotes."
                    )
                    % {"detail": detail},
                    file=file,
                    location=Location(line=mark.line + 1 if mark else None),
                )
            ],
        )
    except yaml.YAMLError as error:
        return (
            None,
            locator,
            [
                Problem(
                    message=_("This is not valid YAML: %(detail)s.") % {"detail": error}, file=file
                )
            ],
        )
    finally:
        loader.dispose()
    return data, locator, problems


def _record_lines(root: yaml.Node, path: Path, locator: YamlLocator, file: str) -> list[Problem]:
    """Walk the node tree: remember lines, refuse repeated keys and huge trees."""
    problems: list[Problem] = []
    seen = 0
    stack: list[tuple[yaml.Node, Path]] = [(root, path)]
    while stack:
        node, here = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            return [
                Problem(
                    path=(),
                    message=_(
                        "The file is too large or too deeply repeated (more than %(n)d values)."
                    )
                    % {"n": MAX_NODES},
                    file=file,
                )
            ]
        locator.lines.setdefault(here, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in keys:
                    problems.append(
                        Problem(
                            message=_(
                                "The key “%(key)s” appears twice in the same block (first on "
                                "line %(first)d); keep one."
                            )
                            % {"key": key, "first": keys[key]},
                            file=file,
                            path=here + (key,),
                            location=Location(line=line),
                        )
                    )
                    continue
                keys[key] = line
                locator.lines[here + (key,)] = line
                stack.append((value_node, here + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, here + (index,)))
    return problems


class _Dumper(yaml.SafeDumper):
    pass


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    if value == value.to_integral_value():
        return dumper.represent_int(int(value))
    return dumper.represent_float(float(value))


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: dict) -> bytes:
    """The file format of docs/standard-format.md, readable by read_yaml."""
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=None,
    )
    return text.encode("utf-8")

"""Standard files in and out: YAML (docs/standard-format.md) and the Excel
authoring template, checked against reviews/standards/standard_schema.json and the
format's rules, imported in one transaction, exported back to either format."""

from reviews.standards.files.data import Summary, canonical, version_data
from reviews.standards.files.excel_write import build_workbook
from reviews.standards.files.problems import Problem, StandardFileError
from reviews.standards.files.service import (
    Action,
    ImportPlan,
    ImportResult,
    ParsedFile,
    import_standard,
    parse_standard_file,
    plan_import,
)
from reviews.standards.files.yaml_file import dump_yaml

__all__ = [
    "Action",
    "ImportPlan",
    "ImportResult",
    "ParsedFile",
    "Problem",
    "StandardFileError",
    "Summary",
    "build_workbook",
    "canonical",
    "dump_yaml",
    "import_standard",
    "parse_standard_file",
    "plan_import",
    "version_data",
]

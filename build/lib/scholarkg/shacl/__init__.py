"""The fenced SHACL engine: pySHACL's findings, from shapes compiled to native checks.

``Engine`` validates a graph; ``registry.describe()`` says what it implements. Shapes it cannot
compile are a start-up error (``UnsupportedShape``) unless ``fallback="pyshacl"``.
"""

from scholarkg.errors import ShaclRuntimeError, ShapesError, UnsupportedShape
from scholarkg.shacl.engine import Engine
from scholarkg.shacl.registry import COMPONENTS, describe
from scholarkg.shacl.report import Finding, ValidationReport, findings_of

__all__ = [
    "COMPONENTS",
    "Engine",
    "Finding",
    "ShaclRuntimeError",
    "ShapesError",
    "UnsupportedShape",
    "ValidationReport",
    "describe",
    "findings_of",
]

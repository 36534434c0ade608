"""``kaoping schema``: print the JSON Schema of scenario.yaml (``make schema`` writes scenarios/schema.json)."""
from __future__ import annotations

import sys

from ..i18n import N_

NAME = "schema"
HELP = N_("print the JSON Schema of scenario.yaml (the file editors check scenarios against)")
ORDER = 95


def add_arguments(p):
    pass


def run(args) -> int:
    from models.schema import schema_text

    sys.stdout.write(schema_text())
    return 0

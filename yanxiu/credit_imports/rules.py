"""Who may read a credit import's uploaded file, as ``rules`` predicates."""

from __future__ import annotations

from yanxiu.core import permissions as rules
from yanxiu.credits.rules import certifies_for
from yanxiu.imports.rules import ran_import

# Whoever ran it, and those who may run credit imports where it was run.
rules.add_perm("credit_imports.read_import_file", ran_import | certifies_for)

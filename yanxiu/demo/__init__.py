"""The demo: a generated region and every app's demo data, and the commands that make them.

Not production code. ``demo`` (what ``make demo`` runs) generates the region
(``orgs.py``) once and then runs each app's idempotent demo command; the module for
an app's demo data is named after the app (``training.py`` fills the training
catalog, ``projects.py`` school projects …).
"""

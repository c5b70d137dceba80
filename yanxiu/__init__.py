"""Yanxiu (研修): a region's platform for teachers' professional development."""

"""Settings profiles: base (shared), demo (SQLite), production (PostgreSQL), test."""

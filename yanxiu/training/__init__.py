"""Training: catalog, classes, sessions, enrollment and attendance."""

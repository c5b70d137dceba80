"""Regions, zones, schools, groups, teachers, users and the roles that scope them."""

"""The ground floor: helpers every domain app may use (uploads, CSV safety, errors).

Nothing here imports from another yanxiu app.
"""

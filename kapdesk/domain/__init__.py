"""Pure rules and value types. Nothing here imports Qt or SQLAlchemy."""

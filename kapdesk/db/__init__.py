"""SQLAlchemy models, engine set-up and migrations. Only db/ and services/ touch a Session."""

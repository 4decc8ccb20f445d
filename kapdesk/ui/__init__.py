"""PySide6 widgets. The only package that imports Qt; it never imports SQLAlchemy."""

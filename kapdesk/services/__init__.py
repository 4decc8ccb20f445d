"""Use cases. Each public method is one user action and opens one unit of work."""

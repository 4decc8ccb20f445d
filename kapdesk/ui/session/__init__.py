"""Who is at the screen: first-run set-up, signing in, locking, switching user, and the drafts kept meanwhile."""

"""A patient's notes in the chart: the list the user may see, a viewer, and writing, editing, signing."""

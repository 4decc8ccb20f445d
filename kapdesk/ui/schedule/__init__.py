"""The schedule area: the custom-painted day and week calendar, its geometry and colours, and the agenda list."""

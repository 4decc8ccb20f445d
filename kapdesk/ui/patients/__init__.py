"""The patient registry area: search list, create/edit dialog, archive, and the chart window."""

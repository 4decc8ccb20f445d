"""Outcome measures on the chart: the Measures tab and the forms it opens."""

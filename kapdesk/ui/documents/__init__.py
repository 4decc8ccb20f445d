"""Patients' documents on screen: the chart's Documents tab, the in-app PDF preview, signing and revoking, and the
calendar's batch of tomorrow's preparation instructions."""

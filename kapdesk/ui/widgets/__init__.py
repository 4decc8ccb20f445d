"""Small widgets shared by several areas."""

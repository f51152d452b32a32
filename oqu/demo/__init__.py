"""Synthetic national-scale data and demo accounts (`manage.py seed`)."""

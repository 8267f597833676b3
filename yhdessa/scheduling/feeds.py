"""Placeholder replaced by the calendar-feed reader."""

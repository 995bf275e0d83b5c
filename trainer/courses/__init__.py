"""Courses in the database: syncing content/, reading lessons, progress and evaluations."""

"""Practical assessments and attitude evaluations on the shop floor, with appeals."""

"""Analyses: plain functions from an Ibis table of FOCUS rows (and config) to a small result."""

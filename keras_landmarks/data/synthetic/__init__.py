"""Procedurally drawn data with exact landmarks: faces and moving figures."""

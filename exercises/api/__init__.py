"""The catalog's REST API."""

"""The shared kit: what every app of the project uses and none of them owns.

Serializer bases and pagination for the API, the data-file loading kit and the curated-row
base of the catalog, request ids and structured logs, the cache used as an aid. It imports
Django and the libraries, never an app of this project (import-linter checks it).
"""

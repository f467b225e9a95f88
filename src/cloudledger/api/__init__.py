"""The JSON API: FastAPI routes over the same analyses the CLI runs."""

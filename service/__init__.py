"""The HTTP layer: a Flask app factory served by gunicorn."""

"""What the web pages and the REST API share: the request's unit of work, settings, the signed-in principal,
security headers and CSRF, uploads.

Both edges import from here; neither imports the other (the web app factory mounts the API router, which is
the one place where the two meet).
"""

"""Security headers on every response: strict CSP without unsafe-inline, no caching of personal pages."""
import time

from flask import Flask, abort, g, request, session

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def has_nul_byte(req) -> bool:
    """A NUL byte anywhere a user can type: path, query, form fields and upload names.

    No text in Paraat contains one, and PostgreSQL refuses to store it (a 500 in every form)."""
    texts = [req.path]
    for multidict in (req.args, req.form):
        for key, value in multidict.items(multi=True):
            texts += [key, value]
    texts += [f.filename or "" for f in req.files.values()]
    return any("\x00" in text for text in texts)


def init_app(app: Flask) -> None:
    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()

    @app.before_request
    def refuse_nul_bytes():
        # One place for every form and path, before any view or login sees the text.
        if has_nul_byte(request):
            abort(400, "nul")

    @app.after_request
    def server_timing(response):
        # Lets benchmarks (and browser dev tools) read the server's own time for a page.
        started = g.get("request_started")
        if started is not None and app.config.get("APP_ENV") != "production":  # timings help probes
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy",
                           "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()")
        if app.config["APP_ENV"] == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        # From the cookie, not current_user: loading the user needs the database, which may be the
        # very thing that failed (this also runs on the error pages).
        if request.endpoint != "static" and "_user_id" in session:
            headers["Cache-Control"] = "no-store"
        return response

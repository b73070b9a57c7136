"""The operators' and staff's web console: a channel of the app served by the same aiohttp process.

It is mounted as a sub-application (its own middlewares: sessions, sign-in, CSRF), so the
webhook's routes and their per-message cost are untouched.
"""

"""The operators' and staff's web console: a channel of the app served by the same aiohttp process.

It is mounted as a sub-application whose every handler is wrapped in sessions, sign-in and CSRF
(`auth.GuardedRoutes`) rather than given middlewares, so the webhook's requests do not pass
through aiohttp's middleware step and their per-message cost is untouched.
"""

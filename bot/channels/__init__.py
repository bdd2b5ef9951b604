"""Attendee channels served by the application: the website widget and Telegram.

Each module exposes ``install(app, settings)``, which adds its routes and, at
start-up, registers its pusher with ``bot.gateway``.
"""

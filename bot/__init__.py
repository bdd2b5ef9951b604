"""Domain logic of the chat-first event registration assistant.

The package knows nothing of Rasa: the action server and the web application
call into it, and it owns accounts, events, registrations, payments, email and
storage.
"""

"""Code that runs inside the Rasa engine (its own Python 3.10 environment)."""

"""Metadata keys of bot messages added between turns, shared with the engine's channel code."""

PUSHED_METADATA_KEY = "pushed"
DELIVERED_METADATA_KEY = "delivered"

"""A terminal chat over the REST channel: ``make chat`` while ``make run`` is running.

Buttons are listed with numbers; typing a number sends that button's payload,
and link buttons print their address.
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid

import httpx

from bot.rest_auth import mint_token


def show(messages: list[dict]) -> list[dict]:
    buttons: list[dict] = []
    for message in messages:
        if message.get("text"):
            print(f"bot> {message['text']}")
        for button in message.get("buttons") or []:
            buttons.append(button)
            target = button.get("url") or ""
            print(f"     [{len(buttons)}] {button.get('title')} {target}".rstrip())
    return buttons


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    port = os.environ.get("APP_PORT", "8000")
    parser.add_argument("--url", default=f"http://localhost:{port}/webhooks/rest/webhook")
    parser.add_argument("--sender", default=f"terminal-{uuid.uuid4().hex[:8]}")
    args = parser.parse_args()
    print(f"Conversación {args.sender}. Escribe tu mensaje (Ctrl-D para salir).")

    buttons: list[dict] = []
    headers = {"Authorization": f"Bearer {mint_token(args.sender)}"}
    with httpx.Client(timeout=130, headers=headers) as client:
        while True:
            try:
                text = input("tú> ").strip()
            except EOFError:
                print()
                return 0
            if not text:
                continue
            if text.isdigit() and 0 < int(text) <= len(buttons) and buttons[int(text) - 1].get("payload"):
                text = buttons[int(text) - 1]["payload"]
            try:
                response = client.post(args.url, json={"sender": args.sender, "message": text})
                response.raise_for_status()
            except httpx.HTTPError as error:
                print(f"error: el canal REST en {args.url} no respondió ({error}). ¿Está en marcha `make run`?", file=sys.stderr)
                continue
            buttons = show(response.json())


if __name__ == "__main__":
    sys.exit(main())

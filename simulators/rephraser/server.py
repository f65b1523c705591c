"""An OpenAI-compatible chat-completions stand-in for the assistant's optional rephrasing.

Run::

    python -m simulators.rephraser.server [--port 0 --port-file PATH] [--quiet]

``POST /v1/chat/completions`` with ``{"model": ..., "messages": [...]}`` answers like the real
API (``choices[0].message.content``). The model name chooses a behaviour, so tests can make
the outside service misbehave in each way the platform must survive:

* ``polite`` — a rephrasing that keeps every fact (a courtesy sentence before the answer);
* ``inventor`` — adds a fact (an amount that was not in the answer);
* ``markup`` — returns HTML;
* ``slow`` — answers after 3 seconds;
* ``broken`` — HTTP 500.

The answer to rephrase is the text after the last "ANSWER:" in the user message.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def _answer_of(messages: list[dict[str, Any]]) -> str:
    user = next((m for m in reversed(messages) if m.get("role") == "user"), {})
    content = str(user.get("content", ""))
    return content.rsplit("ANSWER:", 1)[-1].strip()


def completion(model: str, messages: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    answer = _answer_of(messages)
    if model == "broken":
        return 500, {"error": {"message": "internal error"}}
    if model == "slow":
        time.sleep(3)
    if model == "inventor":
        content = f"{answer} Ada juga biaya tambahan Rp123.456."
    elif model == "markup":
        content = f"<b>{answer}</b><script>alert(1)</script>"
    else:
        content = f"Tentu, dengan senang hati. {answer}"
    return 200, {
        "id": "chatcmpl-sim",
        "object": "chat.completion",
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
    }


class Handler(BaseHTTPRequestHandler):
    quiet = False

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._send(200, {"status": "ok"})
        else:
            self._send(404, {"detail": "not found"})

    def do_POST(self) -> None:
        if self.path != "/v1/chat/completions":
            self._send(404, {"detail": "not found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            self._send(400, {"detail": "body is not JSON"})
            return
        status, payload = completion(str(body.get("model", "")), list(body.get("messages", [])))
        self._send(status, payload)

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002)
    parser.add_argument("--port-file", type=Path)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    Handler.quiet = args.quiet
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    if args.port_file:
        args.port_file.write_text(str(server.server_address[1]))
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

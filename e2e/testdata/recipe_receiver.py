#!/usr/bin/env python3
"""The classic recipe's webhook receiver: logs every POST body to a rotating
file and answers 200. Test data for monhook's e2e suite, run as a separate
process: recipe_receiver.py PORT LOGFILE (PORT 0 picks a free port; the port
is printed on stdout once listening)."""
import logging
import logging.handlers
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

log = logging.getLogger("webhook")
log.setLevel(logging.INFO)
handler = logging.handlers.RotatingFileHandler(sys.argv[2], maxBytes=1 << 20, backupCount=3)
handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
log.addHandler(handler)


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode("utf-8", "replace")
        log.info("%s %s", self.path, body)
        handler.flush()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"OK")

    def log_message(self, fmt, *args):
        pass


server = HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()

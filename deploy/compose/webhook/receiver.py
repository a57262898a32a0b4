"""Prints every notification Alertmanager posts, one JSON line each: a stand-in for an incident tool."""
import json
from http.server import BaseHTTPRequestHandler, HTTPServer


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            print(json.dumps(json.loads(body)), flush=True)
            self.send_response(200)
        except ValueError:
            print("not JSON:", body[:200], flush=True)
            self.send_response(400)
        self.end_headers()


HTTPServer(("0.0.0.0", 8000), Receiver).serve_forever()

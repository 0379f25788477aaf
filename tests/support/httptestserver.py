#!/usr/bin/env python3
"""A misbehaving HTTP(S) server for the http prober's tests and the sweep benchmark.

Each path reproduces one way a real hop fails: an app that accepts TCP but never
answers, one that stalls mid-body, resets the connection, loops redirects, or sends
far more than anyone should read. Standard library only; listens on loopback only.
"""

import argparse
import json
import socket
import socketserver
import ssl
import struct
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the tests read nothing from us
        pass

    def do_GET(self):
        self.route()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def do_HEAD(self):
        self.route()

    def route(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        path = url.path
        if path == "/ok":
            self.reply(200, {"status": "ok", "running": 2})
        elif path.startswith("/status/"):
            self.reply(int(path.rsplit("/", 1)[1]), {"status": path.rsplit("/", 1)[1]})
        elif path == "/slow":
            time.sleep(int(query.get("ms", ["1000"])[0]) / 1000.0)
            self.reply(200, {"status": "ok", "slow": True})
        elif path == "/stall-header":
            self.hold()
        elif path == "/stall-body":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            self.hold()
        elif path == "/big":
            self.big(int(query.get("mb", ["100"])[0]))
        elif path == "/reset":
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif path == "/redirect-loop":
            self.redirect("/redirect-loop")
        elif path == "/redirect-once":
            self.redirect("/ok")
        elif path in ("/headers", "/echo"):
            length = int(self.headers.get("Content-Length", "0") or "0")
            body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            self.reply(200, {"method": self.command, "body": body, "headers": dict(self.headers.items())})
        else:
            self.reply(404, {"error": "no such path", "path": path})

    def reply(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def big(self, mb):
        chunk = b"x" * 65536
        total = mb * 1024 * 1024
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(total))
        self.end_headers()
        sent = 0
        try:
            while sent < total:
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the client stopped reading: that is what a size cap does
        self.close_connection = True

    def hold(self):
        # Never answer, but end the thread as soon as the client gives up (EOF or reset).
        self.close_connection = True
        try:
            while self.connection.recv(4096):
                pass
        except OSError:
            pass


class Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 4096  # hundreds of probes connect at once; the default of 5 drops SYNs
    tls_context = None

    def finish_request(self, request, client_address):
        # The TLS handshake runs here, in the request's own thread, so one slow or failed
        # handshake never blocks the accept loop.
        if self.tls_context is not None:
            try:
                request = self.tls_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return  # the client rejected our certificate: expected in the TLS tests
        super().finish_request(request, client_address)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    if not args.bind.startswith("127."):
        sys.exit("this test server listens on loopback only")
    server = Server((args.bind, args.port), Handler)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.tls_context = context
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

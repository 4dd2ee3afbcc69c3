#!/usr/bin/env python3
"""slow-sink.py PORT DELAY_MS: an http target that answers every POST 200 after DELAY_MS (a CRM some way off). GET /
answers "<requests> <records>" received so far (records: "eventId" fields counted). Used in docs/benchmarks.md, session 13."""
import sys, time, threading
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
delay = float(sys.argv[2]) / 1000
count = [0, 0]
lock = threading.Lock()
class H(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def do_POST(self):
        n = int(self.headers.get('Content-Length', 0)); body = self.rfile.read(n)
        time.sleep(delay)
        with lock:
            count[0] += 1; count[1] += body.count(b'"eventId"')
        self.send_response(200); self.send_header('Content-Length', '0'); self.end_headers()
    def do_GET(self):
        b = f'{count[0]} {count[1]}\n'.encode()
        self.send_response(200); self.send_header('Content-Length', str(len(b))); self.end_headers(); self.wfile.write(b)
    def log_message(self, *a): pass
ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# autoconfig-https-server.py ROOT CERT KEY — an HTTPS server on 127.0.0.1 for the
# account-detection tests.  It answers GET https://HOST/PATH with the file
# ROOT/HOST/PATH (query string ignored) or 404 (FILE.no-length: sent without a
# Content-Length), prints its port on stdout, and appends
# every request ("HOST PATH?QUERY") to ROOT/requests.log.  Standard library only.

import http.server
import os
import ssl
import sys

ROOT, CERT, KEY = sys.argv[1:4]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        host = self.headers.get('Host', '').rsplit(':', 1)[0].lower()
        path = self.path.split('?', 1)[0]
        with open(os.path.join(ROOT, 'requests.log'), 'a') as log:
            log.write('%s %s\n' % (host, self.path))
        name = os.path.normpath(os.path.join(ROOT, host, path.lstrip('/')))
        if not name.startswith(os.path.join(ROOT, '')) or not os.path.isfile(name):
            self.send_error(404)
            return
        with open(name, 'rb') as f:
            body = f.read()
        self.send_response(200)
        self.send_header('Content-Type', 'text/xml')
        # FILE.no-length beside FILE: no Content-Length (HTTP/1.0, the body ends at the
        # close), so the client's size limit must hold while it reads.
        if not os.path.exists(name + '.no-length'):
            self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass    # the client stopped reading: what the size-limit tests expect

    def log_message(self, fmt, *args):
        sys.stderr.write('autoconfig-https-server: ' + (fmt % args) + '\n')


server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(CERT, KEY)
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()

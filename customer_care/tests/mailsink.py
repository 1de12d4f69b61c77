#!/usr/bin/env python3
# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A tiny SMTP server that keeps mail instead of sending it (demo and tests).

trytond has no "don't send" e-mail URI: `[email] uri` is always an SMTP
server.  The demo configuration and the tests (conftest.py) point it at this
sink, which accepts every message on 127.0.0.1 and writes it, untouched, to
DIR/<time>-<n>.eml; it also prints one line per message on stdout.  Standard
library only (smtpd left Python in 3.12).

    python -m trytond.modules.customer_care.tests.mailsink \
        [--host 127.0.0.1] [--port 8025] [DIR]

If the port is already taken (another sink still running) it says so and
exits 0, so that the demo keeps going.
"""
import argparse
import datetime
import email
import email.policy
import errno
import itertools
import os
import socketserver
import sys
import threading

COUNTER = itertools.count(1)


class Handler(socketserver.StreamRequestHandler):
    timeout = 300

    def reply(self, line):
        self.wfile.write(line.encode('ascii') + b'\r\n')
        self.wfile.flush()

    def handle(self):
        try:
            self.converse()
        except (BrokenPipeError, ConnectionResetError):
            pass  # e.g. a client that only checks the port is open

    def converse(self):
        self.reply('220 customer-care-demo mail sink')
        sender, recipients = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode('utf-8', 'replace').strip()
            verb = command[:4].upper()
            if verb == 'EHLO':
                self.reply('250-customer-care-demo')
                self.reply('250-8BITMIME')
                self.reply('250-SMTPUTF8')
                self.reply('250 SIZE 52428800')
            elif verb == 'HELO':
                self.reply('250 customer-care-demo')
            elif verb == 'MAIL':
                sender, recipients = command[10:].split(' ')[0], []
                self.reply('250 OK')
            elif verb == 'RCPT':
                recipients.append(command[8:].split(' ')[0])
                self.reply('250 OK')
            elif verb == 'DATA':
                self.reply('354 End data with <CR><LF>.<CR><LF>')
                self.store(sender, recipients, self.read_data())
                sender, recipients = None, []
                self.reply('250 OK: kept, not sent')
            elif verb == 'RSET':
                sender, recipients = None, []
                self.reply('250 OK')
            elif verb == 'NOOP':
                self.reply('250 OK')
            elif verb == 'QUIT':
                self.reply('221 Bye')
                return
            else:
                self.reply('502 Command not implemented')

    def read_data(self):
        lines = []
        while True:
            line = self.rfile.readline()
            if not line or line in (b'.\r\n', b'.\n'):
                break
            if line.startswith(b'.'):
                line = line[1:]
            lines.append(line)
        return b''.join(lines)

    def store(self, sender, recipients, data):
        now = datetime.datetime.now()
        name = '%s-%04d.eml' % (now.strftime('%Y%m%d-%H%M%S'), next(COUNTER))
        path = os.path.join(self.server.directory, name)
        with open(path, 'wb') as fp:
            fp.write(data)
        message = email.message_from_bytes(data, policy=email.policy.default)
        print('mail kept: %s -> %s "%s" (%s)' % (
                sender, ', '.join(recipients), message.get('Subject', ''),
                path), flush=True)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def start(directory, host='127.0.0.1', port=0, quiet=True):
    """Start a sink in a thread; return its server (server.uri, .directory).

    Port 0 takes a free port.
    """
    os.makedirs(directory, exist_ok=True)
    server = Server((host, port), QuietHandler if quiet else Handler)
    server.directory = os.path.abspath(directory)
    server.uri = 'smtp://%s:%s' % server.server_address[:2]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


class QuietHandler(Handler):
    "A handler that keeps the mail without printing"

    def store(self, sender, recipients, data):
        now = datetime.datetime.now()
        name = '%s-%04d.eml' % (now.strftime('%Y%m%d-%H%M%S'), next(COUNTER))
        with open(os.path.join(self.server.directory, name), 'wb') as fp:
            fp.write(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8025)
    parser.add_argument('directory', nargs='?', default='.demo/mail')
    options = parser.parse_args()
    os.makedirs(options.directory, exist_ok=True)
    try:
        server = Server((options.host, options.port), Handler)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            print('mail sink: %s:%s already in use, not starting another'
                % (options.host, options.port), file=sys.stderr)
            return 0
        raise
    server.directory = os.path.abspath(options.directory)
    print('mail sink: smtp://%s:%s, keeping mail in %s' % (
            options.host, options.port, server.directory), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())

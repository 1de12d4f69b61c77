#!/usr/bin/env python3
# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""An SMTP server that keeps mail instead of sending it (demo and tests).

trytond has no "don't send" e-mail URI: `[email] uri` is always an SMTP
server.  The demo configuration and the tests (conftest.py) point it at this
sink, aiosmtpd's Controller with a handler that writes every message,
untouched, to DIR/<time>-<n>.eml; it also prints one line per message on
stdout.

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
import shutil
import sys
import threading

from aiosmtpd.controller import Controller

COUNTER = itertools.count(1)
HOSTNAME = 'customer-care-demo'


class Handler:
    "Keep each message in the directory"

    def __init__(self, directory, quiet=True):
        self.directory = directory
        self.quiet = quiet

    async def handle_DATA(self, server, session, envelope):
        now = datetime.datetime.now()
        name = '%s-%04d.eml' % (now.strftime('%Y%m%d-%H%M%S'), next(COUNTER))
        path = os.path.join(self.directory, name)
        with open(path, 'wb') as fp:
            fp.write(envelope.original_content)
        if not self.quiet:
            message = email.message_from_bytes(
                envelope.original_content, policy=email.policy.default)
            print('mail kept: %s -> %s "%s" (%s)' % (
                    envelope.mail_from, ', '.join(envelope.rcpt_tos),
                    message.get('Subject', ''), path), flush=True)
        return '250 OK: kept, not sent'


class Sink(Controller):
    """The controller of a sink on host:port (port 0 takes a free one),
    keeping the mail in directory; uri is its smtp:// address once started.

    With remove, stopping it also removes the directory (a temporary one)."""

    def __init__(self, directory, host='127.0.0.1', port=0, quiet=True,
            remove=False):
        self.directory = os.path.abspath(directory)
        self.remove = remove
        super().__init__(
            Handler(self.directory, quiet=quiet), hostname=host, port=port,
            server_hostname=HOSTNAME, ident='customer-care-demo mail sink',
            data_size_limit=50 * 1024 * 1024)

    @property
    def uri(self):
        return 'smtp://%s:%s' % (self.hostname, self.port)

    def _trigger_server(self):
        # With port 0 the server listens on a port chosen by the system:
        # aiosmtpd connects to self.port to check that it answers
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()

    def stop(self, no_assert=True):
        "Stop the server (if running); remove the directory if asked to"
        if self._thread is not None:
            super().stop(no_assert=no_assert)
        if self.remove:
            shutil.rmtree(self.directory, ignore_errors=True)

    # The names of socketserver that the callers use
    def shutdown(self):
        self.stop()

    def server_close(self):
        pass


def start(directory, host='127.0.0.1', port=0, quiet=True, remove=False):
    """Start a sink in a thread; return it (sink.uri, .directory, .stop()).

    Port 0 takes a free port. With remove, stop() also removes directory.
    """
    os.makedirs(directory, exist_ok=True)
    sink = Sink(directory, host=host, port=port, quiet=quiet, remove=remove)
    sink.start()
    return sink


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8025)
    parser.add_argument('directory', nargs='?', default='.demo/mail')
    options = parser.parse_args()
    try:
        sink = start(options.directory, options.host, options.port,
            quiet=False)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            print('mail sink: %s:%s already in use, not starting another'
                % (options.host, options.port), file=sys.stderr)
            return 0
        raise
    print('mail sink: %s, keeping mail in %s' % (sink.uri, sink.directory),
        flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sink.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())

# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The SMTP sink of the tests and the demo (no database)."""
import email
import email.message
import email.policy
import os
import shutil
import smtplib
import tempfile
import unittest
from pathlib import Path

from trytond.modules.customer_care.tests import mailsink


class MailSinkTestCase(unittest.TestCase):
    "The sink keeps the mail it receives"

    def test_keep_message(self):
        "A message sent to the sink is kept untouched in its folder"
        directory = Path(tempfile.mkdtemp(prefix='customer-care-sink-'))
        self.addCleanup(shutil.rmtree, directory, True)
        sink = mailsink.start(str(directory / 'mail'))
        self.addCleanup(sink.stop)
        self.assertRegex(sink.uri, r'^smtp://127\.0\.0\.1:[1-9][0-9]*$')
        message = email.message.EmailMessage()
        message['From'] = "Atención <atención@example.com>"
        message['To'] = 'josé@example.com, care@example.com'
        message['Subject'] = "Respuesta a su petición"
        message.set_content("Línea 1\n.Línea que empieza por un punto\n")
        host, port = sink.uri.removeprefix('smtp://').split(':')
        with smtplib.SMTP(host, int(port)) as server:
            self.assertEqual(server.send_message(message), {})

        kept, = (directory / 'mail').glob('*.eml')
        received = email.message_from_bytes(
            kept.read_bytes(), policy=email.policy.default)
        self.assertEqual(received['Subject'], "Respuesta a su petición")
        self.assertEqual(received['To'], 'josé@example.com, care@example.com')
        self.assertEqual(received.get_content().splitlines(), [
                "Línea 1", ".Línea que empieza por un punto"])

    def test_stop_removes(self):
        "A sink started to remove its folder removes it when stopped"
        directory = tempfile.mkdtemp(prefix='customer-care-sink-')
        sink = mailsink.start(directory, remove=True)
        sink.stop()
        self.assertFalse(os.path.exists(directory))
        sink.stop()  # twice: nothing left to do

    def test_port_taken(self):
        "A second sink on the same port refuses to start"
        directory = tempfile.mkdtemp(prefix='customer-care-sink-')
        sink = mailsink.start(directory, remove=True)
        self.addCleanup(sink.stop)
        with self.assertRaises(OSError):
            mailsink.start(directory, port=sink.port)

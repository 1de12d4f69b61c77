# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The parser of the e-mail gateway (models/email_message.py) on arbitrary
messages: whatever the headers, bodies and charsets, it never raises and
always returns text. No database."""
import datetime as dt
import unittest
from email.message import EmailMessage

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trytond.modules.customer_care.models import email_message

HEADERS = [
    'From', 'Reply-To', 'To', 'Cc', 'Subject', 'Date', 'Message-ID',
    'In-Reply-To', 'References', 'Auto-Submitted', 'Precedence', 'List-Id',
    'Content-Type', 'Content-Transfer-Encoding', 'Content-Disposition']
CHARSETS = [
    'utf-8', 'iso-8859-1', 'windows-1252', 'utf-16', 'shift_jis', 'koi8-r',
    'x-unknown', 'klingon', '', 'utf-8"; x="', 'us-ascii']
text = st.text(
    st.characters(blacklist_categories=['Cs']), max_size=200)
header_value = st.one_of(
    text,
    st.sampled_from([
            '=?utf-8?b?invalid?=', '=?x-unknown?q?a=E9?=', '<@>', 'a@',
            '"unterminated', 'multipart/mixed; boundary=', 'Mon, 99 Foo',
            'text/plain; charset="klingon"', '@@@', ',,,', '<a@b> <c',
            'base64', 'attachment; filename="../../x"']))
raw_lines = st.lists(
    st.binary(max_size=120).map(lambda b: b.replace(b'\n', b' ')),
    max_size=20)


def check_outputs(message):
    "Every function of the parser returns text (or its documented type)"
    for name in HEADERS:
        assert isinstance(email_message.header(message, name), str)
    assert isinstance(email_message.subject(message), str)
    assert isinstance(email_message.message_id(message), str)
    assert isinstance(email_message.text_body(message), str)
    html = email_message.html_body(message)
    assert html is None or isinstance(html, str)
    for name_address in [
            email_message.sender(message),
            email_message.from_address(message)]:
        if name_address is not None:
            name, address = name_address
            assert isinstance(name, str) and '@' in address
    for id_ in email_message.referenced_ids(message):
        assert id_.startswith('<') and id_.endswith('>')
    reason = email_message.noise_reason(message, ['pqrs@example.com'])
    assert reason is None or isinstance(reason, str)
    now = dt.datetime(2026, 12, 1, 12, 0)
    received = email_message.received(message, now=now)
    assert isinstance(received, dt.datetime) and received.tzinfo is None
    assert received <= now
    for filename, type_, data in email_message.attachments(message):
        assert filename and len(filename) <= email_message.FILENAME_MAX
        assert '/' not in filename and '\\' not in filename
        assert not filename.startswith('.')
        assert isinstance(type_, str) and isinstance(data, bytes)
    for token in email_message.subject_tokens(
            email_message.subject(message)):
        assert token and ' ' not in token
    assert isinstance(email_message.strip_quoted(
            email_message.text_body(message)), str)


class EmailMessageTestCase(unittest.TestCase):
    "Test the parser of the e-mail gateway"

    @settings(max_examples=150, deadline=None,
        suppress_health_check=[HealthCheck.too_slow])
    @given(st.binary(max_size=2000))
    def test_raw_bytes(self, raw):
        "Arbitrary bytes never make the parser raise"
        check_outputs(email_message.parse(raw))

    @settings(max_examples=150, deadline=None,
        suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(st.tuples(st.sampled_from(HEADERS), raw_lines), max_size=8),
        st.sampled_from(CHARSETS), st.binary(max_size=500),
        st.booleans())
    def test_raw_headers_and_charsets(self, headers, charset, body, multi):
        "Raw headers of any bytes, any charset and body: text always"
        lines = [name.encode() + b': ' + b' '.join(value)
            for name, value in headers]
        if multi:
            lines.append(b'Content-Type: multipart/mixed; boundary="B"')
            body = (b'--B\r\nContent-Type: text/plain; charset="'
                + charset.encode() + b'"\r\n\r\n' + body
                + b'\r\n--B\r\nContent-Type: application/pdf\r\n'
                b'Content-Disposition: attachment; filename="..\\\\x.pdf"'
                b'\r\nContent-Transfer-Encoding: base64\r\n\r\n' + body
                + b'\r\n--B--\r\n')
        else:
            lines.append(
                b'Content-Type: text/plain; charset="' + charset.encode()
                + b'"')
        raw = b'\r\n'.join(lines) + b'\r\n\r\n' + body
        check_outputs(email_message.parse(raw))

    @settings(max_examples=150, deadline=None,
        suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.dictionaries(st.sampled_from(HEADERS[:12]), header_value),
        text, st.one_of(st.none(), text), st.lists(
            st.tuples(text, st.binary(max_size=50)), max_size=3))
    def test_email_message(self, headers, body, html, attachments):
        "Messages built with EmailMessage: text always"
        message = EmailMessage()
        for name, value in headers.items():
            try:
                message[name] = value
            except email_message.PARSE_ERRORS:
                # EmailMessage refuses it already: not a message to read
                continue
        try:
            message.set_content(body)
            if html is not None:
                message.add_alternative(html, subtype='html')
            for filename, data in attachments:
                message.add_attachment(
                    data, maintype='application', subtype='octet-stream',
                    filename=filename)
            raw = message.as_bytes()
        except email_message.PARSE_ERRORS:
            return
        check_outputs(message)
        check_outputs(email_message.parse(raw))

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=500))
    def test_html_to_text(self, html):
        "Any HTML gives text without tags of script or style"
        result = email_message.html_to_text(html)
        self.assertIsInstance(result, str)
        self.assertNotIn('\n\n\n', result)

    @given(st.text(max_size=300))
    def test_sanitize_filename(self, name):
        "A file name is never a path, never hidden, never too long"
        result = email_message.sanitize_filename(name)
        self.assertTrue(result)
        self.assertLessEqual(len(result), email_message.FILENAME_MAX)
        self.assertNotIn('/', result)
        self.assertNotIn('\\', result)
        self.assertFalse(result.startswith('.'))

    def test_html(self):
        "HTML: paragraphs, lists and breaks kept; scripts and styles not"
        self.assertEqual(email_message.html_to_text(
                '<html><head><title>T</title><style>p {}</style></head>'
                '<body><p>Hola&nbsp;<b>Ana</b>,</p><script>alert(1)'
                '</script><ul><li>uno</li><li>dos</li></ul>fin<br>'
                'línea</body></html>'),
            "Hola Ana,\n\n- uno\n- dos\n\nfin\nlínea")

    def test_strip_quoted(self):
        "The quoted message and the 'On ... wrote:' line are dropped"
        self.assertEqual(email_message.strip_quoted(
                "Gracias.\n> citado\nOtra línea\n\n"
                "On Mon, 30 Nov 2026, PQRS <p@x.co> wrote:\n> viejo\nfirma"),
            "Gracias.\nOtra línea")

    def test_received(self):
        "The Date in UTC; missing, invalid or future: now"
        now = dt.datetime(2026, 12, 1, 12, 0)

        def received(date):
            message = EmailMessage()
            if date:
                message['Date'] = date
            return email_message.received(message, now=now)
        self.assertEqual(
            received('Mon, 30 Nov 2026 08:15:00 -0500'),
            dt.datetime(2026, 11, 30, 13, 15))
        self.assertEqual(
            received('Mon, 30 Nov 2026 08:15:00 -0000'),
            dt.datetime(2026, 11, 30, 8, 15))
        self.assertEqual(received(None), now)
        self.assertEqual(received('mañana'), now)
        self.assertEqual(received('Wed, 30 Dec 2026 08:15:00 +0000'), now)

    def test_received_backdated(self):
        "A Date long before the arrival at our server: the arrival"
        now = dt.datetime(2026, 12, 1, 12, 0)

        def received(date, *received_headers):
            message = EmailMessage()
            for value in received_headers:
                message['Received'] = value
            message['Date'] = date
            return email_message.received(message, now=now)
        ours = ('from mx.example.net by mail.company.example with ESMTP; '
            'Tue, 1 Dec 2026 06:30:00 -0500')
        theirs = ('from laptop by mx.example.net; '
            'Tue, 1 Dec 2026 06:29:00 -0500')
        # Written months before it arrived
        self.assertEqual(
            received('Mon, 1 Jun 2026 08:00:00 -0500', ours, theirs),
            dt.datetime(2026, 12, 1, 11, 30))
        # Written the evening before, sent this morning: its Date
        self.assertEqual(
            received('Mon, 30 Nov 2026 20:00:00 -0500', ours, theirs),
            dt.datetime(2026, 12, 1, 1, 0))
        # An unreadable or future arrival is not believed either
        self.assertEqual(
            received('Mon, 1 Jun 2026 08:00:00 -0500', 'from x; soon'),
            dt.datetime(2026, 6, 1, 13, 0))

    def test_noise(self):
        "The reasons a message is not from a person"
        def reason(**headers):
            message = EmailMessage()
            message['From'] = headers.pop('From', 'ana@example.com')
            for name, value in headers.items():
                message[name.replace('_', '-')] = value
            return email_message.noise_reason(message, ['PQRS@example.com'])
        self.assertIsNone(reason())
        self.assertIsNone(reason(Auto_Submitted='no'))
        self.assertEqual(
            reason(Auto_Submitted='auto-replied; x=y'), 'auto_submitted')
        for value in ['bulk', 'Junk', 'list', 'auto_reply']:
            self.assertEqual(reason(Precedence=value), 'precedence')
        self.assertIsNone(reason(Precedence='first-class'))
        self.assertEqual(reason(X_Autorespond='1'), 'auto_reply')
        self.assertEqual(reason(List_Unsubscribe='<mailto:x@y.co>'), 'list')
        for address in [
                'Mailer-Daemon@example.com', 'postmaster@example.com',
                'noreply@example.com', 'no-reply@example.com',
                'shop.donotreply@example.com']:
            self.assertEqual(reason(From=address), 'machine', address)
        self.assertIsNone(reason(From='postmaster.ana@example.com'))
        self.assertEqual(reason(From='pqrs@EXAMPLE.com'), 'own')

    def test_sender(self):
        "Reply-To wins over From, keeping From's name for the same address"
        message = EmailMessage()
        message['From'] = 'Ana Gómez <ana@example.com>'
        self.assertEqual(
            email_message.sender(message), ("Ana Gómez", 'ana@example.com'))
        message['Reply-To'] = 'ANA@example.com'
        self.assertEqual(
            email_message.sender(message), ("Ana Gómez", 'ANA@example.com'))
        message.replace_header('Reply-To', 'Luis <luis@example.com>')
        self.assertEqual(
            email_message.sender(message), ("Luis", 'luis@example.com'))

    def test_subject_tokens(self):
        "A number is a token of the subject, not a substring"
        tokens = email_message.subject_tokens(
            "RE: [PQRS-00012] Medidor (PQRS-00013). Caso:PQRS-00014,X")
        self.assertTrue(
            {'PQRS-00012', 'PQRS-00013', 'PQRS-00014'} <= tokens)
        self.assertNotIn('PQRS-0001', tokens)
        self.assertNotIn('PQRS-00014', email_message.subject_tokens(
                "XPQRS-00014"))

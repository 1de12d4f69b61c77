# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the e-mail gateway reads in a message: pure functions over
``email.message.EmailMessage`` (Python's ``email`` package with
``policy.default`` does the MIME), no ORM.

The HTML converter is the one of the e-mails the module sends
(customer_email.html_text).

Every function takes hostile input: malformed headers, unknown charsets,
missing parts. None of them raises on a message the parser returned; they
return text (maybe empty) or None.
"""
import datetime as dt
import email
import email.errors
import re
import unicodedata
from email.header import decode_header, make_header
from email.policy import default as policy_default
from email.utils import getaddresses, parsedate_to_datetime

from .customer_email import html_text

# The errors the stdlib header parser and the charset codecs are known to
# raise on malformed input (header folding, bad encoded words, unknown
# charsets): a message that raises them is read through its raw values
PARSE_ERRORS = (
    ValueError, IndexError, TypeError, AttributeError, LookupError,
    AssertionError, email.errors.MessageError)

# The senders that are machines, never customers
MACHINE_LOCAL_PART = re.compile(
    r'^(mailer-daemon|postmaster)$|no[-_.]?reply|do[-_.]?not[-_.]?reply',
    re.IGNORECASE)
PRECEDENCE_NOISE = {'bulk', 'junk', 'list', 'auto_reply'}
# The quoted reply: the line "On ... wrote:" (or its Spanish form) and what
# follows, and the lines quoted with '>'
REPLY_HEADER = re.compile(
    r'^\s*(On\s.+\swrote|El\s.+\sescribi[oó])\s*:\s*$', re.IGNORECASE)
# What separates the tokens of a subject in which a case number is looked for
TOKEN_SEPARATORS = re.compile(r'[\s\[\](){}<>:;,"\'!?¿¡|*]+')
FILENAME_MAX = 120
# An address as people have: local part, @, a domain with a dot
ADDRESS = re.compile(
    r'^[^@\s<>(),;:"\[\]\\]+@[^@\s<>(),;:"\[\]\\]+\.[^@\s<>(),;:"\[\]\\.]+$')


def parse(raw):
    "Return the EmailMessage of raw (bytes or str); never raises"
    if raw is None:
        raw = b''
    if isinstance(raw, str):
        raw = raw.encode('utf-8', 'surrogateescape')
    return email.message_from_bytes(bytes(raw), policy=policy_default)


def header(message, name):
    "Return the text of the first header name (decoded), '' if absent"
    values = headers(message, name)
    return values[0] if values else ''


def headers(message, name):
    "Return the texts of every header name (decoded)"
    try:
        return [_clean(str(v)) for v in (message.get_all(name) or [])]
    except PARSE_ERRORS:
        pass
    values = []
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            values.append(_decode_raw(value))
    return values


def _decode_raw(value):
    try:
        return _clean(str(make_header(decode_header(value))))
    except PARSE_ERRORS:
        return _clean(value)


def _clean(text):
    "Return text unfolded, without the characters no field should hold"
    text = ''.join(
        ' ' if unicodedata.category(c) in {'Cc', 'Cs', 'Zl', 'Zp'} else c
        for c in str(text))
    return ' '.join(text.split())


def addresses(message, name):
    "Return the (display name, address) of the header name, valid ones only"
    result = []
    for name_, address in getaddresses(headers(message, name)):
        address = address.strip()
        if ADDRESS.match(address):
            result.append((_clean(name_), address))
    return result


def from_address(message):
    "Return the (display name, address) of From, or None"
    found = addresses(message, 'From')
    return found[0] if found else None


def sender(message):
    "Return the (display name, address) to answer: Reply-To wins over From"
    found = addresses(message, 'Reply-To') or addresses(message, 'From')
    if not found:
        return None
    name, address = found[0]
    if not name and (from_ := from_address(message)):
        if from_[1].lower() == address.lower():
            name = from_[0]
    return name, address


def subject(message):
    "Return the subject ('' when empty)"
    return header(message, 'Subject')


def message_id(message):
    "Return the Message-ID ('' when missing)"
    return header(message, 'Message-ID')


def referenced_ids(message):
    "Return the Message-IDs named by In-Reply-To and References"
    ids = []
    for name in ['In-Reply-To', 'References']:
        for value in headers(message, name):
            for id_ in re.findall(r'<[^<>\s]+>', value):
                if id_ not in ids:
                    ids.append(id_)
    return ids


def _utc(value):
    "Return the RFC 5322 date of value as naive UTC, or None"
    try:
        date = parsedate_to_datetime(value)
    except PARSE_ERRORS:
        return None
    if date is None:
        return None
    if date.tzinfo is not None:
        try:
            date = date.astimezone(dt.timezone.utc)
        except (OverflowError, ValueError):
            return None
        date = date.replace(tzinfo=None)
    date = date.replace(microsecond=0)
    if date.year < 1970:
        return None
    return date


# How much earlier than its arrival a message may say it was written
ARRIVAL_TOLERANCE = dt.timedelta(days=1)


def arrival(message):
    """Return when the message reached the last server, from the date of
    its topmost Received header (naive UTC), or None"""
    values = headers(message, 'Received')
    if not values:
        return None
    _, _, date = values[0].rpartition(';')
    return _utc(date.strip())


def received(message, now=None):
    """Return the Date of the message as naive UTC, or now when it is
    missing, invalid or in the future.

    The sender writes the Date: one earlier than the arrival at our server
    (the topmost Received header) by more than ARRIVAL_TOLERANCE is not
    believed, the arrival is (a backdated message would start its legal
    term in the past)."""
    if now is None:
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    now = now.replace(microsecond=0)
    date = _utc(header(message, 'Date'))
    if date is None or date > now:
        return now
    arrived = arrival(message)
    if arrived is not None and arrived <= now and (
            date < arrived - ARRIVAL_TOLERANCE):
        return arrived
    return date


def noise_reason(message, own_addresses=()):
    """Return why the message is not from a person (a loop, a bounce, a
    list, a machine), as one of the keys of NOISE_REASONS, or None"""
    auto = header(message, 'Auto-Submitted').split(';')[0].strip().lower()
    if auto and auto != 'no':
        return 'auto_submitted'
    if header(message, 'Precedence').strip().lower() in PRECEDENCE_NOISE:
        return 'precedence'
    for name in ['X-Autoreply', 'X-Autorespond']:
        if headers(message, name):
            return 'auto_reply'
    for name in ['List-Id', 'List-Unsubscribe']:
        if headers(message, name):
            return 'list'
    if content_type(message) == 'multipart/report':
        return 'bounce'
    from_ = from_address(message)
    if not from_:
        return 'no_sender'
    address = from_[1].lower()
    if MACHINE_LOCAL_PART.search(address.rsplit('@', 1)[0]):
        return 'machine'
    if address in {a.lower() for a in own_addresses if a}:
        return 'own'
    return None


def content_type(part):
    try:
        return part.get_content_type()
    except PARSE_ERRORS:
        return 'text/plain'


def _disposition(part):
    try:
        return (part.get_content_disposition() or '').lower()
    except PARSE_ERRORS:
        return ''


def part_text(part):
    "Return the decoded text of a text part; never raises"
    try:
        payload = part.get_payload(decode=True)
    except PARSE_ERRORS:
        payload = None
    if payload is None:
        payload = part.get_payload()
        if isinstance(payload, list):
            return ''
        return str(payload or '')
    try:
        charset = part.get_content_charset() or 'us-ascii'
    except PARSE_ERRORS:
        charset = 'us-ascii'
    try:
        text = payload.decode(charset, errors='replace')
    except (LookupError, ValueError, TypeError):
        text = payload.decode('utf-8', errors='replace')
    return text.replace('\r\n', '\n').replace('\r', '\n').replace('\x00', '')


def _walk(message):
    try:
        return list(message.walk())
    except PARSE_ERRORS:
        return [message]


def _body_part(message, type_):
    for part in _walk(message):
        if (content_type(part) == f'text/{type_}'
                and _disposition(part) != 'attachment'):
            return part
    return None


def has_plain_body(message):
    "Tell whether the message has a plain-text body"
    return _body_part(message, 'plain') is not None


def html_body(message):
    "Return the HTML body of the message, or None"
    part = _body_part(message, 'html')
    return part_text(part) if part is not None else None


def text_body(message):
    """Return the plain-text body; an HTML-only message's HTML turned into
    text; '' when there is none"""
    part = _body_part(message, 'plain')
    if part is not None:
        return part_text(part).strip()
    html = html_body(message)
    if html is not None:
        return html_to_text(html)
    return ''


def attachments(message):
    """Return the attachments as (file name, content type, data): the parts
    with a file name or an attachment disposition that are not the body"""
    body_parts = {
        id(p) for p in [
            _body_part(message, 'plain'), _body_part(message, 'html')]
        if p is not None}
    result = []
    for i, part in enumerate(_walk(message), 1):
        if id(part) in body_parts or part.is_multipart():
            continue
        try:
            filename = part.get_filename()
        except PARSE_ERRORS:
            filename = None
        if not filename and _disposition(part) != 'attachment':
            if content_type(part).startswith('text/'):
                continue
            if content_type(part) == 'message/rfc822':
                filename = 'message.eml'
        if content_type(part) == 'message/rfc822':
            inner = part.get_payload()
            if isinstance(inner, list) and inner:
                data = inner[0].as_bytes(policy=policy_default.clone(
                        linesep='\r\n'))
            else:
                data = b''
        else:
            try:
                data = part.get_payload(decode=True) or b''
            except PARSE_ERRORS:
                data = b''
        result.append((
                sanitize_filename(filename, f'attachment-{i}'),
                content_type(part), data))
    return result


def sanitize_filename(name, default='attachment'):
    """Return a file name safe to store and to download: no folders, no
    control characters, no leading dots, at most FILENAME_MAX characters"""
    name = _clean(name or '')
    name = name.replace('\\', '/').rsplit('/', 1)[-1]
    name = re.sub(r'[<>:"|?*\x00-\x1f\x7f]', '_', name)
    name = name.strip(' .')
    if not name:
        name = default
    if len(name) > FILENAME_MAX:
        stem, dot, ext = name.rpartition('.')
        if dot and 0 < len(ext) <= 10:
            name = stem[:FILENAME_MAX - len(ext) - 1] + '.' + ext
        else:
            name = name[:FILENAME_MAX]
    return name


def strip_quoted(text):
    """Return the text of a reply without what it quotes: the lines from
    "On ... wrote:" on and the lines starting with '>'"""
    lines = []
    for line in (text or '').splitlines():
        if REPLY_HEADER.match(line):
            break
        if line.lstrip().startswith('>'):
            continue
        lines.append(line)
    return '\n'.join(lines).strip()


def subject_tokens(text):
    "Return the tokens of a subject in which a case number may be found"
    tokens = set()
    for token in TOKEN_SEPARATORS.split(text or ''):
        token = token.strip('.')
        if token:
            tokens.add(token)
    return tokens


def html_to_text(html):
    """Return the text of an HTML body: lines and paragraphs kept, scripts
    and styles left out (the converter of the e-mails the module sends)"""
    try:
        return html_text(html or '')
    except PARSE_ERRORS:
        return ''

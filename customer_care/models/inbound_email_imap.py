# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The IMAP transport of the e-mail gateway: an inbox fetches a mailbox.

Each message is handed to Tryton's inbound_email exactly as its HTTP route
does: an ``inbound.email`` of the raw message (``data_type`` raw), processed
by the inbox's rules (``inbox.process``), as root and without context.

How nothing is registered twice nor lost (doc/design/inbound_email_imap.rst):

- an ``inbound.email`` fetched by IMAP keeps the folder, UIDVALIDITY and UID
  of its message (unique per inbox) and its Message-ID;
- the messages waiting in the folder (in the flag mode: those without the
  inbox's keyword) are registered by batches of the inbox's batch size, each
  batch in a transaction of its own, committed before the messages are moved
  or flagged on the server: a failure of the database or of the server
  before the commit leaves them waiting, and after it they are only moved or
  flagged by the next fetch, which finds them recorded (same UID, or same
  Message-ID in the inbox), not registered again;
- a message whose processing raises is registered with the error, without
  rule, and moved or flagged as the others (the inbox's Process button runs
  the rules again); the batch it was in is registered again message by
  message, each in its own transaction, so that the error of one does not
  undo the others;
- the bodies are fetched in slices of at most FETCH_BYTES (and a message
  over inbound_email's max_size by its headers only), so that one batch
  never holds more than that in memory.
"""
import base64
import datetime as dt
import email.parser
import email.policy
import imaplib
import ipaddress
import logging
import re
import ssl

import trytond.config as config
from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, TransactionError

from .exceptions import InboxIMAPValidationError

logger = logging.getLogger(__name__)
# The account the password is given to
IMAP_ACCOUNT_FIELDS = {'imap_host', 'imap_port', 'imap_security', 'imap_user'}

# The bodies of one IMAP FETCH command, at most (a larger message alone)
FETCH_BYTES = 16 * 1024 * 1024
# IMAP atom characters (RFC 3501): a keyword is an atom
KEYWORD_RE = re.compile(r'[!#$&\'+,\-./0-9:;<=>?@A-Z\[^_`a-z|}~]+')
LOOPBACK_NAMES = {'localhost', 'localhost.localdomain', 'ip6-localhost'}


def imap_timeout():
    "The seconds the server has to answer: [customer_care] imap_timeout"
    return config.getfloat('customer_care', 'imap_timeout', default=60)


def imap_max_size():
    "The largest message processed: as inbound_email's HTTP route"
    return config.getint(
        'inbound_email', 'max_size',
        default=config.getint('request', 'max_size'))


class BigInteger(fields.Integer):
    "An integer of 64 bits: IMAP's UIDs and UIDVALIDITY are unsigned 32 bits"
    _sql_type = 'BIGINT'


def is_loopback(host):
    "Tell whether host is a name or an address of this machine's loopback"
    host = (host or '').strip().strip('[]').lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def imap_folder_name(name):
    "Return the folder name quoted in IMAP's modified UTF-7 (RFC 3501 5.1.3)"
    result, pending = [], []

    def flush():
        if pending:
            encoded = base64.b64encode(
                ''.join(pending).encode('utf-16-be')).rstrip(b'=')
            result.append('&' + encoded.decode().replace('/', ',') + '-')
            pending.clear()
    for char in name:
        if 0x20 <= ord(char) <= 0x7e:
            flush()
            result.append('&-' if char == '&' else char)
        else:
            pending.append(char)
    flush()
    name = ''.join(result)
    return '"%s"' % name.replace('\\', '\\\\').replace('"', '\\"')


def uid_set(uids):
    "Return the IMAP sequence set of the UIDs: 1:3,7,9:10"
    parts = []
    uids = sorted(set(uids))
    start = previous = None
    for uid in uids:
        if previous is not None and uid == previous + 1:
            previous = uid
            continue
        if start is not None:
            parts.append(str(start) if start == previous
                else f'{start}:{previous}')
        start = previous = uid
    if start is not None:
        parts.append(str(start) if start == previous
            else f'{start}:{previous}')
    return ','.join(parts)


def message_id(raw):
    "Return the Message-ID of the raw message, or None"
    parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
    try:
        value = parser.parsebytes(raw).get('Message-ID')
    except Exception:
        return None
    if value is None:
        return None
    value = ' '.join(str(value).split())
    return value[:998] or None


def _reason(exception):
    "Return the text of exception without its final full stop"
    return str(exception).rstrip('.') or exception.__class__.__name__


def _check(response, what):
    "Raise the IMAP error of a response that is not OK"
    typ, data = response
    if typ != 'OK':
        detail = b' '.join(d for d in data if isinstance(d, bytes))
        raise imaplib.IMAP4.error(
            f"{what}: {typ} {detail.decode(errors='replace')}")
    return data


def _fetched(data, item):
    """Yield (uid, value) of the FETCH response data: the literal of item
    (BODY[]) or, without literal, the number after item (RFC822.SIZE)"""
    uid_re = re.compile(rb'\bUID (\d+)')
    pending = None
    for part in data:
        if isinstance(part, tuple):
            header, literal = part
            match = uid_re.search(header)
            if match:
                yield int(match.group(1)), literal
            else:
                # The UID after the literal
                pending = literal
        elif isinstance(part, bytes):
            match = uid_re.search(part)
            if pending is not None:
                if match:
                    yield int(match.group(1)), pending
                pending = None
            elif match and item not in {b'BODY[]', b'BODY[HEADER]'}:
                value = re.search(re.escape(item) + rb' (\d+)', part)
                if value:
                    yield int(match.group(1)), int(value.group(1))


class _MessageFailed(Exception):
    "The processing of a message raised: register its batch one by one"


class _FetchError(Exception):
    """A failure of the fetch: the message of its text for the inbox's last
    error, translated when it is written (in the language of the user who
    pressed the button)"""

    def __init__(self, message, **variables):
        super().__init__(message, variables)
        self.message, self.variables = message, variables

    def text(self):
        return gettext(self.message, **self.variables)


class Inbox(metaclass=PoolMeta):
    __name__ = 'inbound.email.inbox'

    _imap_required = {
        'required': Bool(Eval('imap_fetch')),
        }

    imap_fetch = fields.Boolean(
        "Fetch by IMAP",
        help="Fetch the messages of the IMAP mailbox below on schedule.")
    imap_host = fields.Char(
        "IMAP Server", states=_imap_required,
        help="The name or address of the IMAP server.")
    imap_port = fields.Integer(
        "Port", states=_imap_required,
        domain=['OR',
            ('imap_port', '=', None),
            [('imap_port', '>', 0), ('imap_port', '<', 65536)],
            ])
    imap_security = fields.Selection([
            ('ssl', "SSL/TLS"),
            ('starttls', "STARTTLS"),
            ('none', "None"),
            ], "Security", required=True, sort=False,
        help="How the connection to the server is encrypted.\n"
        "None is only allowed for a server on this machine (loopback).")
    imap_user = fields.Char("User", states=_imap_required)
    imap_password = fields.Char(
        "Password", strip=False, states=_imap_required)
    imap_folder = fields.Char(
        "Folder", states=_imap_required,
        help="The folder of the mailbox whose messages are registered.")
    imap_registered = fields.Selection([
            ('move', "Move to Folder"),
            ('flag', "Flag"),
            ], "Once Registered", required=True, sort=False,
        help="What is done on the server with a message once registered: "
        "moved to a folder, or flagged as read with a keyword.")
    imap_registered_folder = fields.Char(
        "Registered Folder",
        states={
            'required': Eval('imap_registered') == 'move',
            'invisible': Eval('imap_registered') != 'move',
            },
        help="The folder the registered messages are moved to "
        "(created if missing).")
    imap_keyword = fields.Char(
        "Keyword",
        states={
            'required': Eval('imap_registered') == 'flag',
            'invisible': Eval('imap_registered') != 'flag',
            },
        help="The keyword (tag) set with the Seen flag on the registered "
        "messages; the messages without it are registered.")
    imap_batch_size = fields.Integer(
        "Batch Size", required=True,
        domain=[('imap_batch_size', '>', 0)],
        help="The number of messages registered in one transaction.")
    imap_last_fetch = fields.DateTime("Last Fetch", readonly=True)
    imap_last_error = fields.Text(
        "Last Error", readonly=True,
        help="Why the last fetch failed, if it did.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update(
            fetch_imap={
                'readonly': ~Eval('imap_host'),
                'depends': ['imap_host'],
                'icon': 'tryton-refresh',
                },
            )

    @classmethod
    def default_imap_fetch(cls):
        return False

    @classmethod
    def default_imap_port(cls):
        return 993

    @classmethod
    def default_imap_security(cls):
        return 'ssl'

    @classmethod
    def default_imap_folder(cls):
        return 'INBOX'

    @classmethod
    def default_imap_registered(cls):
        return 'move'

    @classmethod
    def default_imap_registered_folder(cls):
        return 'Registered'

    @classmethod
    def default_imap_keyword(cls):
        return 'Registered'

    @classmethod
    def default_imap_batch_size(cls):
        return 100

    @fields.depends('imap_security', 'imap_port')
    def on_change_imap_security(self):
        if self.imap_port in {None, 143, 993}:
            self.imap_port = 993 if self.imap_security == 'ssl' else 143

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        # The password is sent to the server: another server (or user, or
        # security) needs it typed again, by who may write it
        if (mode == 'write' and 'imap_password' not in values
                and values.keys() & IMAP_ACCOUNT_FIELDS):
            values['imap_password'] = None
        return values

    @classmethod
    def validate_fields(cls, inboxes, field_names):
        super().validate_fields(inboxes, field_names)
        if field_names & {'imap_security', 'imap_host'}:
            cls.check_imap_security(inboxes)
        if field_names & {'imap_keyword'}:
            cls.check_imap_keyword(inboxes)
        if field_names & {
                'imap_registered', 'imap_folder', 'imap_registered_folder'}:
            cls.check_imap_registered_folder(inboxes)

    @classmethod
    def check_imap_registered_folder(cls, inboxes):
        """Check that the registered messages move out of the fetched
        folder: moved into it, they would get new UIDs and be fetched again"""
        for inbox in inboxes:
            if (inbox.imap_registered == 'move'
                    and (inbox.imap_registered_folder or '').strip().upper()
                    == (inbox.imap_folder or 'INBOX').strip().upper()):
                raise InboxIMAPValidationError(gettext(
                        'customer_care.msg_inbox_imap_registered_folder',
                        inbox=inbox.rec_name,
                        folder=inbox.imap_registered_folder))

    @classmethod
    def check_imap_security(cls, inboxes):
        "Check that only a loopback server is reached without encryption"
        for inbox in inboxes:
            if (inbox.imap_security == 'none' and inbox.imap_host
                    and not is_loopback(inbox.imap_host)):
                raise InboxIMAPValidationError(gettext(
                        'customer_care.msg_inbox_imap_insecure',
                        inbox=inbox.rec_name, host=inbox.imap_host))

    @classmethod
    def check_imap_keyword(cls, inboxes):
        for inbox in inboxes:
            if (inbox.imap_keyword
                    and not KEYWORD_RE.fullmatch(inbox.imap_keyword)):
                raise InboxIMAPValidationError(gettext(
                        'customer_care.msg_inbox_imap_keyword_invalid',
                        inbox=inbox.rec_name, keyword=inbox.imap_keyword))

    @classmethod
    def fetch_imap_inboxes(cls):
        "Fetch the mailbox of every inbox that fetches by IMAP (scheduled)"
        cls.fetch_imap(cls.search([('imap_fetch', '=', True)]))

    @classmethod
    @ModelView.button
    def fetch_imap(cls, inboxes):
        """Register the messages waiting in the IMAP mailbox of each inbox

        Commit the transaction after each batch: the messages registered
        stay registered whatever happens next.  A failure of an inbox is
        logged and written as its last error; the next inboxes are fetched
        all the same."""
        transaction = Transaction()
        # The errors in the language of the user who pressed the button
        language = transaction.language
        # As inbound_email's HTTP route: as root, without context
        with transaction.set_user(0), transaction.reset_context():
            for inbox in inboxes:
                inbox = cls(inbox.id)
                error = None
                try:
                    inbox._fetch_imap()
                except TransactionError:
                    # Restarted by trytond (the cron, the button's call)
                    # with the locks it asks for, e.g. the team's row of
                    # the round-robin assignment: the batches committed
                    # are only moved or flagged by the next run
                    raise
                except Exception as exception:
                    transaction.rollback()
                    with transaction.set_context(language=language):
                        error = inbox._imap_error_text(exception)
                    if isinstance(exception, _FetchError):
                        logger.warning(
                            "IMAP fetch of inbox %s failed: %s",
                            inbox.id, error)
                    else:
                        logger.exception(
                            "IMAP fetch of inbox %s failed", inbox.id)
                inbox._imap_fetched(error)

    def _imap_fetched(self, error):
        "Record the end of a fetch and its error, committed"
        transaction = Transaction()
        try:
            self.__class__.write([self.__class__(self.id)], {
                    'imap_last_fetch': dt.datetime.now(),
                    'imap_last_error': error,
                    })
            transaction.commit()
        except backend.DatabaseOperationalError:
            transaction.rollback()
            logger.warning(
                "The end of the IMAP fetch of inbox %s could not be "
                "recorded", self.id, exc_info=True)

    def _imap_server(self):
        return f'{self.imap_host}:{self.imap_port}'

    def _imap_error_text(self, exception):
        if isinstance(exception, _FetchError):
            return exception.text()
        if isinstance(exception, backend.DatabaseOperationalError):
            return gettext('customer_care.msg_inbox_imap_database',
                error=_reason(exception))
        return gettext('customer_care.msg_inbox_imap_failed',
            server=self._imap_server(),
            error=f'{exception.__class__.__name__}: {_reason(exception)}')

    def _imap_connect(self):
        "Return a connection to the IMAP server, logged in"
        timeout = imap_timeout()
        host, port = (self.imap_host or '').strip(), self.imap_port
        if not host:
            raise _FetchError(
                    'customer_care.msg_inbox_imap_no_server',
                    inbox=self.rec_name)
        if self.imap_security == 'none' and not is_loopback(host):
            raise _FetchError(
                    'customer_care.msg_inbox_imap_insecure',
                    inbox=self.rec_name, host=host)
        imap = None
        try:
            if self.imap_security == 'ssl':
                imap = imaplib.IMAP4_SSL(
                    host, port or 993,
                    ssl_context=ssl.create_default_context(),
                    timeout=timeout)
            else:
                imap = imaplib.IMAP4(host, port or 143, timeout=timeout)
                if self.imap_security == 'starttls':
                    imap.starttls(ssl.create_default_context())
        except (OSError, imaplib.IMAP4.error, EOFError) as exception:
            if imap is not None:
                try:
                    imap.shutdown()
                except OSError:
                    pass
            raise _FetchError(
                    'customer_care.msg_inbox_imap_connect',
                    server=self._imap_server(), error=_reason(exception))
        try:
            user, password = self.imap_user or '', self.imap_password or ''
            if (user + password).isascii():
                imap.login(user, password)
            else:
                imap.authenticate('PLAIN', lambda challenge: (
                        f'\0{user}\0{password}'.encode('utf-8')))
        except (OSError, imaplib.IMAP4.error, EOFError) as exception:
            self._imap_logout(imap)
            raise _FetchError(
                    'customer_care.msg_inbox_imap_login',
                    server=self._imap_server(), user=self.imap_user,
                    error=_reason(exception))
        return imap

    @staticmethod
    def _imap_logout(imap):
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error, EOFError):
            pass

    def _fetch_imap(self):
        imap = self._imap_connect()
        try:
            self._fetch_imap_folder(imap)
        except (OSError, imaplib.IMAP4.error, EOFError) as exception:
            raise _FetchError(
                    'customer_care.msg_inbox_imap_failed',
                    server=self._imap_server(), error=_reason(exception)
                ) from exception
        finally:
            self._imap_logout(imap)

    def _fetch_imap_folder(self, imap):
        folder = self.imap_folder or 'INBOX'
        try:
            capabilities = set(_check(imap.capability(), 'CAPABILITY')[-1]
                .decode(errors='replace').upper().split())
            _check(imap.select(imap_folder_name(folder)), 'SELECT')
            uidvalidity = int(imap.response('UIDVALIDITY')[1][0])
        except (imaplib.IMAP4.error, TypeError, ValueError, IndexError
                ) as exception:
            raise _FetchError(
                    'customer_care.msg_inbox_imap_folder',
                    server=self._imap_server(), folder=folder,
                    error=_reason(exception)) from exception
        if self.imap_registered == 'flag':
            flags = imap.response('PERMANENTFLAGS')[1]
            flags = b' '.join(f for f in flags if f).decode(errors='replace')
            if '\\*' not in flags and self.imap_keyword not in flags:
                raise _FetchError(
                        'customer_care.msg_inbox_imap_no_keywords',
                        server=self._imap_server(), folder=folder)
            criteria = ['UNDELETED', 'UNKEYWORD', self.imap_keyword]
        else:
            self._imap_create_folder(imap, self.imap_registered_folder)
            # Moved once registered: every message still here waits
            criteria = ['UNDELETED']
        uids = sorted(
            int(u) for u in _check(imap.uid('SEARCH', *criteria),
                'SEARCH')[0].split())
        size = self.imap_batch_size or 100
        for start in range(0, len(uids), size):
            batch = uids[start:start + size]
            self._fetch_imap_batch(
                imap, capabilities, folder, uidvalidity, batch)

    def _imap_create_folder(self, imap, folder):
        name = imap_folder_name(folder)
        data = _check(imap.list('""', name), 'LIST')
        if not [d for d in data if d]:
            _check(imap.create(name), 'CREATE')
            imap.subscribe(name)

    def _fetch_imap_batch(self, imap, capabilities, folder, uidvalidity, uids):
        """Register the messages of uids in one transaction (one by one if
        one of them fails), commit, then move or flag them all"""
        transaction = Transaction()
        try:
            self._imap_register(imap, folder, uidvalidity, uids)
        except _MessageFailed:
            transaction.rollback()
            for uid in uids:
                self._imap_register(
                    imap, folder, uidvalidity, [uid], failures=True)
                transaction.commit()
        else:
            transaction.commit()
        self._imap_mark(imap, capabilities, uids)

    def _imap_recorded(self, folder, uidvalidity, uids):
        "Return the UIDs of uids already registered"
        pool = Pool()
        Email = pool.get('inbound.email')
        table = Email.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.imap_uid,
                where=(table.inbox == self.id)
                & (table.imap_folder == folder)
                & (table.imap_uidvalidity == uidvalidity)
                & table.imap_uid.in_(list(uids))))
        return {u for u, in cursor}

    def _imap_message_ids(self, message_ids):
        "Return the Message-IDs of message_ids already registered"
        pool = Pool()
        Email = pool.get('inbound.email')
        table = Email.__table__()
        cursor = Transaction().connection.cursor()
        message_ids = [m for m in message_ids if m]
        if not message_ids:
            return set()
        cursor.execute(*table.select(table.imap_message_id,
                where=(table.inbox == self.id)
                & table.imap_message_id.in_(message_ids)))
        return {m for m, in cursor}

    def _imap_register(self, imap, folder, uidvalidity, uids, failures=False):
        """Register the messages of uids not yet recorded, in the current
        transaction; raise _MessageFailed if processing one raises, unless
        failures, which registers it with its error"""
        uids = [u for u in uids
            if u not in self._imap_recorded(folder, uidvalidity, uids)]
        if not uids:
            return
        pool = Pool()
        Email = pool.get('inbound.email')
        sizes = dict(_fetched(_check(
                    imap.uid('FETCH', uid_set(uids), '(UID RFC822.SIZE)'),
                    'FETCH'), b'RFC822.SIZE'))
        max_size = imap_max_size()
        # The same message may be twice in the folder
        seen = set()
        for chunk, header_only in self._imap_chunks(
                [u for u in uids if u in sizes], sizes, max_size):
            item = '(UID BODY.PEEK[HEADER])' if header_only else (
                '(UID BODY.PEEK[])')
            data = _check(imap.uid('FETCH', uid_set(chunk), item), 'FETCH')
            messages = list(_fetched(
                    data, b'BODY[HEADER]' if header_only else b'BODY[]'))
            del data
            ids = {u: message_id(raw) for u, raw in messages}
            seen |= self._imap_message_ids(
                [m for m in ids.values() if m not in seen])
            emails = []
            for uid, raw in messages:
                if ids[uid] and ids[uid] in seen:
                    logger.info(
                        "Message %s (UID %s) of inbox %s already registered: "
                        "only marked", ids[uid], uid, self.id)
                    continue
                error = None
                if header_only:
                    error = gettext(
                        'customer_care.msg_inbound_email_imap_too_large',
                        size=sizes[uid], max_size=max_size)
                emails.append(self._imap_register_message(
                        folder, uidvalidity, uid, raw, ids[uid],
                        error=error, failures=failures))
                if ids[uid]:
                    seen.add(ids[uid])
            del messages
            try:
                Email.save(emails)
            except (backend.DatabaseOperationalError, TransactionError):
                raise
            except Exception as exception:
                if failures:
                    raise
                raise _MessageFailed() from exception
            del emails

    @staticmethod
    def _imap_chunks(uids, sizes, max_size):
        """Yield (uids, header_only): slices of at most FETCH_BYTES of
        bodies, then those over max_size, fetched by their headers"""
        large = [u for u in uids if sizes[u] > max_size]
        chunk, total = [], 0
        for uid in uids:
            if sizes[uid] > max_size:
                continue
            if chunk and total + sizes[uid] > FETCH_BYTES:
                yield chunk, False
                chunk, total = [], 0
            chunk.append(uid)
            total += sizes[uid]
        if chunk:
            yield chunk, False
        for start in range(0, len(large), 100):
            yield large[start:start + 100], True

    def _imap_register_message(
            self, folder, uidvalidity, uid, raw, message_id_,
            error=None, failures=False):
        """Return the inbound e-mail of the message, processed by the rules
        (saved if failures) or with error; raise _MessageFailed if
        processing raises, unless failures: then roll back and return it
        with the error instead"""
        pool = Pool()
        Email = pool.get('inbound.email')
        transaction = Transaction()

        def new():
            return Email(
                inbox=self, data=raw, data_type='raw',
                imap_folder=folder, imap_uidvalidity=uidvalidity,
                imap_uid=uid, imap_message_id=message_id_)
        email_ = new()
        if error:
            email_.imap_error = error
            return email_
        try:
            self.process(email_)
            if failures:
                email_.save()
        except (backend.DatabaseOperationalError, TransactionError):
            # The database, not the message: it stays waiting
            raise
        except Exception as exception:
            if not failures:
                raise _MessageFailed() from exception
            transaction.rollback()
            logger.warning(
                "The message %s (UID %s) of inbox %s could not be processed",
                message_id_, uid, self.id, exc_info=True)
            email_ = new()
            email_.imap_error = gettext(
                'customer_care.msg_inbound_email_imap_failed',
                error=f'{exception.__class__.__name__}: {exception}')
        return email_

    def _imap_mark(self, imap, capabilities, uids):
        "Move or flag the messages of uids on the server"
        uids = uid_set(uids)
        if self.imap_registered == 'flag':
            _check(imap.uid(
                    'STORE', uids, '+FLAGS.SILENT',
                    f'(\\Seen {self.imap_keyword})'), 'STORE')
            return
        folder = imap_folder_name(self.imap_registered_folder)
        _check(imap.uid('STORE', uids, '+FLAGS.SILENT', '(\\Seen)'), 'STORE')
        if 'MOVE' in capabilities:
            _check(imap.uid('MOVE', uids, folder), 'MOVE')
        else:
            _check(imap.uid('COPY', uids, folder), 'COPY')
            _check(imap.uid('STORE', uids, '+FLAGS.SILENT', '(\\Deleted)'),
                'STORE')
            if 'UIDPLUS' in capabilities:
                _check(imap.uid('EXPUNGE', uids), 'EXPUNGE')
            else:
                _check(imap.expunge(), 'EXPUNGE')


class Email(metaclass=PoolMeta):
    __name__ = 'inbound.email'

    imap_folder = fields.Char("IMAP Folder", readonly=True)
    imap_uidvalidity = BigInteger("IMAP UIDVALIDITY", readonly=True)
    imap_uid = BigInteger("IMAP UID", readonly=True)
    imap_message_id = fields.Char("Message-ID", readonly=True)
    imap_error = fields.Text(
        "Error", readonly=True,
        help="Why the message fetched could not be processed.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('imap_uid_unique',
                Unique(t, t.inbox, t.imap_folder, t.imap_uidvalidity,
                    t.imap_uid),
                'customer_care.msg_inbound_email_imap_uid_unique'),
            ]
        cls._sql_indexes.add(Index(
                t,
                (t.inbox, Index.Range()),
                (t.imap_message_id, Index.Equality()),
                where=t.imap_message_id != None))  # noqa: E711

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Bool(Eval('imap_error')), 'danger', '')),
            ]

    @classmethod
    def process(cls, emails):
        for email_ in emails:
            if not email_.rule:
                email_.imap_error = None
        super().process(emails)

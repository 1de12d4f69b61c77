# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A real IMAP server for the tests: Debian's Dovecot, thrown away after use.

``IMAPServer()`` writes a Dovecot configuration of its own in a temporary
folder (its mailboxes, runtime and state folders, log and users there too),
starts ``dovecot -F`` on 127.0.0.1 and a free port, and waits until the port
answers; ``close()`` stops it and removes the folder.  Each server has its
own folder and port, so several can run one after the other in one process
or at the same time in parallel runs::

    with IMAPServer() as server:
        server.add_user('care', 'secret')
        server.append('care', [message_bytes, ...])   # IMAP APPEND
        server.uids('care', 'INBOX')                  # UIDs in the folder

Plain passwords, no TLS (loopback only).  Run as root (CI), the login and
internal processes use Dovecot's own system users (``dovenull``,
``dovecot``), which the package creates, and the mail belongs to
``dovecot``; run as another user, everything runs as that user.

``skip_reason()`` tells why no server can be started (no ``dovecot``
binary: ``apt-get install dovecot-imapd``), or None.
"""
import base64
import imaplib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time

__all__ = ['IMAPServer', 'skip_reason']

DOVECOT = shutil.which('dovecot') or '/usr/sbin/dovecot'
DOVEADM = shutil.which('doveadm') or '/usr/bin/doveadm'

CONFIG = """\
# Written by customer_care/tests/imapserver.py: a throw-away test server
protocols = imap
listen = 127.0.0.1
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
info_log_path = {dir}/dovecot.log
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
login_trusted_networks = 127.0.0.0/8
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
last_valid_gid = {gid}
mail_location = maildir:{dir}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
mailbox_list_index = yes
protocol imap {{
  mail_max_userip_connections = 50
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/users/%u
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {dir}/users/%u
  default_fields = uid={uid} gid={gid} home={dir}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = 0
  }}
}}
service lmtp {{
  unix_listener lmtp {{
    mode = 0600
  }}
}}
"""


def skip_reason():
    "Return why no Dovecot server can be started here, or None"
    if not os.access(DOVECOT, os.X_OK):
        return ("no dovecot binary: apt-get install dovecot-imapd "
            "(.ci/run installs it)")


def free_port():
    "Return a TCP port of 127.0.0.1 that nobody listens on now"
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class IMAPServer:
    "A Dovecot IMAP server on 127.0.0.1, its files in a temporary folder"

    host = '127.0.0.1'

    def __init__(self, start=True, tls=False, settings=''):
        self.directory = None
        self.process = None
        self.port = self.ssl_port = None
        # With tls, a certificate of its own for 127.0.0.1 (cafile):
        # STARTTLS on port, SSL/TLS on ssl_port
        self.tls = tls
        self.cafile = None
        # More Dovecot settings, e.g. imap_capability
        self.settings = settings
        self.users = {}
        if start:
            self.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _identity(self):
        if os.geteuid() == 0:
            # Dovecot refuses to run its login processes as root, nor
            # mail as uid 0: its system users, from the package
            internal = pwd.getpwnam('dovecot')
            login = pwd.getpwnam('dovenull')
            return {
                'internal_user': internal.pw_name,
                'internal_group': internal.pw_name,
                'login_user': login.pw_name,
                'uid': internal.pw_uid,
                'gid': internal.pw_gid,
                }
        user = pwd.getpwuid(os.geteuid())
        return {
            'internal_user': user.pw_name,
            'internal_group': user.pw_name,
            'login_user': user.pw_name,
            'uid': user.pw_uid,
            'gid': user.pw_gid,
            }

    def start(self, attempts=5):
        reason = skip_reason()
        if reason:
            raise RuntimeError(reason)
        self.directory = tempfile.mkdtemp(prefix='customer-care-imap-')
        identity = self._identity()
        for name in ['mail', 'home', 'state']:
            path = os.path.join(self.directory, name)
            os.mkdir(path)
            os.chown(path, identity['uid'], identity['gid'])
        # The mail processes read the users' file
        os.chmod(self.directory, 0o755)
        # One file a user: Dovecot reads a file again only when its time
        # changes, by the second
        os.mkdir(os.path.join(self.directory, 'users'))
        ssl_setting = 'ssl = no'
        if self.tls:
            ssl_setting = self._certificate()
        for attempt in range(attempts):
            # Another process may take the free port before Dovecot does
            self.port = free_port()
            self.ssl_port = free_port() if self.tls else 0
            self.config = os.path.join(self.directory, 'dovecot.conf')
            with open(self.config, 'w') as file:
                file.write(CONFIG.format(
                        dir=self.directory, port=self.port,
                        ssl_port=self.ssl_port, ssl=ssl_setting, **identity)
                    + self.settings + '\n')
            self.process = subprocess.Popen(
                [DOVECOT, '-F', '-c', self.config],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if self._wait():
                return
            self._stop_process()
        error = self.log()
        self.close()
        raise RuntimeError(f"Dovecot did not start:\n{error}")

    def _certificate(self):
        "Make a self-signed certificate; return Dovecot's ssl settings"
        key = os.path.join(self.directory, 'key.pem')
        self.cafile = os.path.join(self.directory, 'cert.pem')
        subprocess.run([
                'openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes',
                '-keyout', key, '-out', self.cafile, '-days', '2',
                '-subj', '/CN=127.0.0.1',
                '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
            check=True, capture_output=True)
        return (f'ssl = yes\nssl_cert = <{self.cafile}\n'
            f'ssl_key = <{key}\nssl_min_protocol = TLSv1.2')

    def _wait(self, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(
                        (self.host, self.port), timeout=1) as sock:
                    if sock.recv(64).startswith(b'* OK'):
                        return True
            except OSError:
                time.sleep(0.05)
        return False

    def log(self):
        "Return Dovecot's log (and what it wrote on its error output)"
        text = ''
        if self.directory:
            path = os.path.join(self.directory, 'dovecot.log')
            if os.path.exists(path):
                with open(path, errors='replace') as file:
                    text = file.read()
        return text

    def _stop_process(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and self.process.stderr:
            self.process.stderr.close()
        self.process = None
        run = os.path.join(self.directory, 'run')
        shutil.rmtree(run, ignore_errors=True)

    def close(self):
        "Stop the server and remove its folder"
        if self.directory:
            self._stop_process()
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def add_user(self, user, password):
        "Add a mailbox user with its plain password"
        assert re.fullmatch(r'[\w.@+-]+', user), user
        assert ':' not in password and '\n' not in password
        assert user not in self.users, user
        self.users[user] = password
        path = os.path.join(self.directory, 'users', user)
        with open(path, 'w') as file:
            file.write(f'{user}:{{PLAIN}}{password}::::::\n')

    def connect(self, user):
        "Return an imaplib connection logged in as user"
        imap = imaplib.IMAP4(self.host, self.port, timeout=30)
        secret = f'\0{user}\0{self.users[user]}'.encode('utf-8')
        imap.authenticate('PLAIN', lambda challenge: secret)
        return imap

    def doveadm(self, *args):
        "Run doveadm with this server's configuration; return its output"
        return subprocess.run(
            [DOVEADM, '-c', self.config, *args], check=True,
            capture_output=True, text=True).stdout

    def kick(self, user):
        """Close every IMAP connection of user from the server's side;
        return whether there was one"""
        result = subprocess.run(
            [DOVEADM, '-c', self.config, 'kick', user],
            capture_output=True, text=True)
        # 68 (EX_NOUSER): nobody was connected
        if result.returncode not in {0, 68}:
            raise RuntimeError(result.stderr)
        return result.returncode == 0

    def append(self, user, messages, folder='INBOX', flags=None):
        """Put the messages (bytes) in folder with IMAP APPEND; return their
        UIDs.  Many messages go in one MULTIAPPEND command (RFC 3502) of
        non-synchronising literals (LITERAL+), as fast as the server takes
        them."""
        uids = []
        messages = list(messages)
        imap = self.connect(user)
        try:
            self._create(imap, folder)
            for start in range(0, len(messages), 500):
                uids.extend(self._multiappend(
                        imap, folder, messages[start:start + 500], flags))
        finally:
            imap.logout()
        return uids

    @staticmethod
    def _create(imap, folder):
        if folder.upper() != 'INBOX':
            typ, data = imap.list('""', IMAPServer.quote(folder))
            if not [d for d in data if d]:
                imap.create(IMAPServer.quote(folder))

    @staticmethod
    def _multiappend(imap, folder, messages, flags):
        tag = imap._new_tag()
        flags = f'({flags}) ' if flags else ''
        parts = [tag + b' APPEND ' + IMAPServer.quote(folder).encode()]
        for message in messages:
            message = message.replace(b'\r\n', b'\n').replace(b'\n', b'\r\n')
            parts.append(
                f' {flags}{{{len(message)}+}}\r\n'.encode() + message)
        imap.send(b''.join(parts) + b'\r\n')
        while True:
            line = imap.readline()
            if not line:
                raise imaplib.IMAP4.abort("connection closed during APPEND")
            if line.startswith(tag + b' '):
                break
        if not line.startswith(tag + b' OK'):
            raise imaplib.IMAP4.error(line.decode(errors='replace'))
        # [APPENDUID <uidvalidity> <uid-set>]
        match = re.search(rb'APPENDUID \d+ ([\d:,]+)', line)
        uids = []
        if match:
            for part in match.group(1).decode().split(','):
                low, _, high = part.partition(':')
                uids.extend(range(int(low), int(high or low) + 1))
        return uids

    def uids(self, user, folder='INBOX', criteria='ALL'):
        "Return the UIDs of folder that match the IMAP search criteria"
        imap = self.connect(user)
        try:
            typ, data = imap.select(IMAPServer.quote(folder), readonly=True)
            if typ != 'OK':
                return []
            typ, data = imap.uid('SEARCH', None, criteria)
            return [int(u) for u in data[0].split()]
        finally:
            imap.logout()

    def flags(self, user, folder='INBOX'):
        "Return the flags of each message of folder by UID"
        imap = self.connect(user)
        try:
            imap.select(IMAPServer.quote(folder), readonly=True)
            typ, data = imap.uid('FETCH', '1:*', '(FLAGS)')
            result = {}
            for item in data:
                if not item:
                    continue
                match = re.search(
                    rb'UID (\d+)', item) if isinstance(item, bytes) else None
                if match:
                    flags = re.search(rb'FLAGS \(([^)]*)\)', item).group(1)
                    result[int(match.group(1))] = set(
                        flags.decode().split())
            return result
        finally:
            imap.logout()

    def folders(self, user):
        "Return the names of the folders of user"
        imap = self.connect(user)
        try:
            typ, data = imap.list()
            names = []
            for line in data:
                match = re.match(rb'\(.*?\) (?:"."|NIL) "?(.*?)"?$', line)
                if match:
                    names.append(match.group(1).decode())
            return names
        finally:
            imap.logout()

    @staticmethod
    def quote(folder):
        "Return the folder name quoted, in modified UTF-7 (RFC 3501)"
        parts = []
        for part in re.split(r'([^\x20-\x7e]+)', folder):
            if re.fullmatch(r'[^\x20-\x7e]+', part):
                encoded = base64.b64encode(part.encode('utf-16-be'))
                parts.append('&' + encoded.decode().rstrip('=').replace(
                        '/', ',') + '-')
            else:
                parts.append(part.replace('&', '&-'))
        folder = ''.join(parts)
        return '"%s"' % folder.replace('\\', '\\\\').replace('"', '\\"')

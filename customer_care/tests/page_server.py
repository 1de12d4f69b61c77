# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A trytond server in a thread for the tests of the public pages.

The test database is activated and filled by a function, then served by
trytond's WSGI application on a free port of 127.0.0.1 (on SQLite, a copy
of it in a file: the server's thread cannot see the in-memory database of
the tests). The tests request the pages over HTTP as a browser would and
read back what the server stored.
"""
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import urllib.error
import urllib.request
import uuid

from werkzeug.serving import WSGIRequestHandler, make_server

from trytond import backend, config
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction
from trytond.wsgi import app


def load_spanish(translatable=True):
    """Return the Spanish language with its translations loaded (the texts
    of the pages), made translatable"""
    Lang = Pool().get('ir.lang')
    spanish, = Lang.search([('code', '=', 'es')])
    if translatable and not spanish.translatable:
        spanish.translatable = True
        spanish.save()
    Lang.load_translations([spanish])
    return spanish


class QuietHandler(WSGIRequestHandler):
    "A request handler that does not log every request"

    def log_request(self, *args, **kwargs):
        pass


class PageServer:
    "The server of a test database filled by a function"

    def __init__(self, name, fill):
        """Activate customer_care in a new test database, call fill() in a
        transaction as root and commit, then serve the database; name is
        the database's name when a copy is served (SQLite)"""
        drop_db()
        activate_module(['customer_care'])
        with Transaction().start(DB_NAME, 0) as transaction:
            self.filled = fill()
            transaction.commit()
            self.directory = None
            if backend.name == 'sqlite':
                self.directory = tempfile.mkdtemp(prefix='customer-care-page-')
                target = sqlite3.connect(
                    os.path.join(self.directory, name + '.sqlite'))
                transaction.connection.backup(target)
                target.close()
        if self.directory:
            self.database = name
            self.old_path = config.get('database', 'path')
            config.set('database', 'path', self.directory)
            backend.Database._list_cache.clear()
        else:
            self.database = DB_NAME
        self.server = make_server(
            '127.0.0.1', 0, app, request_handler=QuietHandler)
        self.url = (
            f'http://127.0.0.1:{self.server.server_port}/{self.database}/')
        self.thread = threading.Thread(target=self.server.serve_forever)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
        if self.directory:
            Pool.stop(self.database)
            config.set('database', 'path', self.old_path or '')
            backend.Database._list_cache.clear()
            shutil.rmtree(self.directory, ignore_errors=True)
        drop_db()

    def execute(self, query, fetch=True):
        "Execute the python-sql query on the served database"
        with Transaction().start(self.database, 0) as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute(*query)
            result = cursor.fetchall() if fetch else None
            transaction.commit()
        return result


def http(request, timeout=30):
    "Return the status, the headers and the body of the urllib request"
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def multipart(fields, files=()):
    """Return the content type and the body of a multipart/form-data post
    of fields (name to value or list of values) and files (name, file
    name, data)"""
    boundary = '----customer-care-' + uuid.uuid4().hex
    lines = []
    for name, values in fields.items():
        for value in values if isinstance(values, list) else [values]:
            lines.append(
                f'--{boundary}\r\nContent-Disposition: form-data; '
                f'name="{name}"\r\n\r\n'.encode()
                + (value if isinstance(value, bytes)
                    else str(value).encode('utf-8', 'surrogatepass'))
                + b'\r\n')
    for name, filename, data in files:
        lines.append(
            f'--{boundary}\r\nContent-Disposition: form-data; '
            f'name="{name}"; filename="{filename}"\r\n'
            'Content-Type: application/octet-stream\r\n\r\n'.encode()
            + data + b'\r\n')
    body = b''.join(lines) + f'--{boundary}--\r\n'.encode()
    return f'multipart/form-data; boundary={boundary}', body


class Visitor:
    "A browser without scripts: it keeps the cookies of the pages it gets"
    token_pattern = re.compile(r'name="token" value="([^"]+)"')

    def __init__(self, language=None):
        self.cookies = {}
        self.language = language
        self.body = ''

    def request(self, url, data=None, content_type=None, method=None,
            headers=None):
        request = urllib.request.Request(url, data=data, method=method)
        if self.language:
            request.add_header('Accept-Language', self.language)
        if content_type:
            request.add_header('Content-Type', content_type)
            # As browsers post the form of a page without referrer
            request.add_header('Origin', 'null')
        if self.cookies:
            request.add_header('Cookie', '; '.join(
                    f'{k}={v}' for k, v in self.cookies.items()))
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        status, response_headers, body = http(request)
        for cookie in response_headers.get_all('Set-Cookie') or []:
            name, _, rest = cookie.partition('=')
            self.cookies[name] = rest.split(';')[0]
        return status, response_headers, body

    def get(self, url):
        status, headers, body = self.request(url)
        self.body = body
        return status, body

    def token(self):
        "Return the token of the form of the last page got"
        match = self.token_pattern.search(self.body)
        return match.group(1) if match else ''

    def post(self, url, fields, files=(), token=True):
        """Post the form (with the token of the page got before) and
        return the status and the body"""
        fields = dict(fields)
        if token is True:
            fields['token'] = self.token()
        elif token:
            fields['token'] = token
        content_type, body = multipart(fields, files)
        status, headers, body = self.request(url, body, content_type)
        self.body = body
        return status, body

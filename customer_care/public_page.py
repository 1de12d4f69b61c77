# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the public pages of the module share (the survey page, the web form
and the follow-up page of a case): their security headers, the browser's
language, the rendering of their Genshi templates, the cleaning of posted
text, the anti-forgery token of their forms, the uploaded files and the
per-address rate limit."""
import collections
import hashlib
import hmac
import logging
import os
import re
import secrets
import threading
import time
import unicodedata

from genshi.template import TemplateLoader
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from trytond.protocols.wrappers import with_transaction
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)

HEADERS = {
    'Content-Security-Policy': (
        "default-src 'none'; style-src 'unsafe-inline'; "
        "form-action 'self'; frame-ancestors 'none'"),
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    }


# The templates of the pages include public_page.html, their shared head
LOADER = TemplateLoader([os.path.dirname(__file__)], auto_reload=False)


def load_template(name):
    "Return the Genshi template of the file name next to this module"
    return LOADER.load(name)


def page_language():
    "Return the language of the context as an HTML lang attribute"
    return (Transaction().context.get('language') or 'en').replace('_', '-')


def render_template(template, status, headers=None, **values):
    "Return the HTML response of the template rendered with values"
    html = template.generate(lang=page_language(), **values).render(
        'html', doctype='html5')
    response = Response(
        html, status=status, headers=HEADERS,
        content_type='text/html; charset=utf-8')
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def run_as(request, pool, handler, *args, user, company, language,
        failure, name):
    """Return handler(request, pool, *args) run in a transaction of user,
    with company as the only company of its record rules; an unexpected
    error is logged and answered with failure() (the page of a 500),
    rendered in a new transaction"""
    context = {
        'company': company,
        '_companies': [company],
        'language': language,
        }
    handle = with_transaction(user=user, context=context)(handler)
    try:
        return handle(request, pool, *args)
    except HTTPException:
        raise
    except Exception:
        logger.exception("%s failed", name)
        with Transaction().start(
                pool.database_name, 0, readonly=True,
                context={'language': language}):
            return failure()


def browser_language(request, pool):
    """Return the code of the translatable language that the browser
    prefers (Accept-Language), or None for the default language"""
    Lang = pool.get('ir.lang')
    codes = {lang.code.replace('_', '-'): lang.code
        for lang in Lang.search([('translatable', '=', True)])}
    codes.setdefault('en', 'en')
    best = request.accept_languages.best_match(list(codes))
    if best is None:
        # "es-CO" matches "es", but not the other way round
        for value, _ in request.accept_languages:
            primary = value.split('-')[0].lower()
            if primary in codes:
                best = primary
                break
    return codes.get(best) if best else None


def clean_text(value, multiline=False):
    """Return value without control characters (PostgreSQL refuses NUL in
    text), its lines ends as \\n, stripped; keep tabs and line ends of a
    multiline text"""
    value = (value or '').replace('\r\n', '\n').replace('\r', '\n')
    kept = '\n\t' if multiline else ''
    value = ''.join(c for c in value
        if c in kept or unicodedata.category(c) not in {'Cc', 'Cs', 'Co'})
    return value.strip()


# The anti-forgery token of a form: a nonce, the time it was made and their
# signature with a key of the server, in a hidden field; the same nonce is
# in a SameSite=Strict cookie, which a page of another site cannot send
TOKEN_COOKIE = 'customer_care_form'
TOKEN_AGE = 4 * 60 * 60
_NONCE = re.compile(r'[A-Za-z0-9_-]{16,64}')


def _signature(key, nonce, stamp):
    return hmac.new(
        key.encode('utf-8'), f'{nonce}.{stamp}'.encode('ascii'),
        hashlib.sha256).hexdigest()


def form_nonce(request):
    "Return the nonce of the request's cookie when valid, else a new one"
    nonce = request.cookies.get(TOKEN_COOKIE, '')
    if _NONCE.fullmatch(nonce):
        return nonce
    return secrets.token_urlsafe(24)


def form_token(key, nonce, now=None):
    "Return the token of the hidden field for nonce, signed with key"
    stamp = int(now if now is not None else time.time())
    return f'{nonce}.{stamp}.{_signature(key, nonce, stamp)}'


def check_form_token(key, request, value, now=None):
    """Tell whether value is a token signed with key, not expired, whose
    nonce is the request's cookie"""
    now = now if now is not None else time.time()
    parts = (value or '').split('.')
    if len(parts) != 3 or not key:
        return False
    nonce, stamp, signature = parts
    if not _NONCE.fullmatch(nonce) or not stamp.isdigit() or len(stamp) > 12:
        return False
    if not (0 <= now - int(stamp) <= TOKEN_AGE):
        return False
    if not hmac.compare_digest(
            signature.encode('ascii', 'replace'),
            _signature(key, nonce, stamp).encode('ascii')):
        return False
    cookie = request.cookies.get(TOKEN_COOKIE, '')
    return hmac.compare_digest(
        cookie.encode('utf-8', 'replace'), nonce.encode('ascii'))


def set_form_cookie(response, request, path, nonce):
    "Set the cookie of the nonce on the response, for the pages under path"
    response.set_cookie(
        TOKEN_COOKIE, nonce, max_age=TOKEN_AGE, path=path,
        secure=request.scheme == 'https', httponly=True, samesite='Strict')


def file_name(value):
    """Return the base name of an uploaded file without path nor control
    characters, at most 100 characters"""
    name = re.split(r'[\\/]', value or '')[-1]
    name = clean_text(name).lstrip('.')
    if len(name) > 100:
        stem, dot, extension = name.rpartition('.')
        name = (stem[:100 - len(extension) - 1] + dot + extension
            if dot and len(extension) <= 10 else name[:100])
    return name


# The first bytes of the binary types that are easy to tell
SIGNATURES = {
    'pdf': [b'%PDF-'],
    'png': [b'\x89PNG\r\n\x1a\n'],
    'jpg': [b'\xff\xd8\xff'],
    'jpeg': [b'\xff\xd8\xff'],
    'gif': [b'GIF87a', b'GIF89a'],
    'docx': [b'PK\x03\x04'],
    'xlsx': [b'PK\x03\x04'],
    'odt': [b'PK\x03\x04'],
    'ods': [b'PK\x03\x04'],
    }


def file_extension(name):
    "Return the extension of the file name, lower case without dot"
    stem, dot, extension = name.rpartition('.')
    return extension.lower() if dot and stem else ''


def content_matches(extension, data):
    "Tell whether the data starts as a file of its extension does"
    signatures = SIGNATURES.get(extension)
    return not signatures or any(data.startswith(s) for s in signatures)


class RateLimiter:
    """Count the posts of each address in a sliding hour, in the memory of
    the server's process (each process counts its own)"""
    window = 60 * 60
    # Beyond this many addresses the oldest are forgotten
    size = 10000

    def __init__(self):
        self._hits = collections.OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key, limit, now=None):
        """Count a post of key and tell whether it is within limit posts
        in the window; a refused post is not counted"""
        now = now if now is not None else time.monotonic()
        with self._lock:
            hits = self._hits.pop(key, None) or collections.deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            allowed = len(hits) < limit
            if allowed:
                hits.append(now)
            self._hits[key] = hits
            while len(self._hits) > self.size:
                self._hits.popitem(last=False)
            return allowed

    def clear(self):
        with self._lock:
            self._hits.clear()

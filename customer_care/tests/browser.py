# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""End-to-end tests in the real web client (sao) with headless Chromium.

The browser tests drive the web client shipped by npm (``make sao`` puts it
in ``.sao/package``) as a person does: keyboard typing, mouse clicks, finger
taps, against a trytond server on a copy of the demo database (the one
``make demo-db`` builds, users and passwords in ``tests/demo.py``). They
then read back over JSON-RPC what the server stored.

Running them::

    make sao                                  # once: the web client
    .venv/bin/python -m pytest customer_care/tests -m browser -q

- The demo database is built once (about 70 s) and cached in
  ``.cache/browser/<key>/`` where the key is a hash of the module's sources
  (``tests/demo.py`` included) and the day (the demo's dates are relative
  to the day it is built). ``CC_BROWSER_REBUILD=1`` forces a rebuild.
- Each test module gets its own copy of that database, its own trytond
  server on a free port of 127.0.0.1 and its own mail sink: tests of one
  module see each other's records (keep them independent: create what you
  need, look records up by a unique text), other modules don't.
- The server's log is ``.cache/browser/logs/<module>.log``; when a test
  fails, every page it had open is saved as
  ``.cache/browser/screenshots/<test>-<n>.png``, with the JSON-RPC calls
  the page sent in ``<test>-<n>-rpc.txt`` (the folder is emptied when a
  run starts).
- On PostgreSQL (``TRYTOND_DATABASE_URI=postgresql://...``) the browser
  tests are skipped: they run on SQLite only. When Chromium
  (``/usr/bin/chromium``, or ``CHROMIUM``) or ``.sao/package`` is missing
  they FAIL with what to install, so that CI never skips them silently;
  ``CC_BROWSER=0`` skips them on purpose.

Writing a test: name the file ``test_browser_<concept>.py`` (the ``browser``
mark is added to every test of such files) and use the fixtures of
``conftest.py``:

- ``desktop``: a :class:`Sao` on a 1280x800 page, Spanish (es-CO), zone
  America/Bogota; ``phone``: a :class:`Sao` on a 390x844 touch page;
  ``new_sao(**context_options)`` for more pages (two users at once);
- ``demo_server``: the :class:`Server` (``url``, ``database``,
  ``rpc(login)``, ``mails()``);
- ``rpc``: ``rpc('agente')`` is a :class:`RPC` logged in as that demo user
  (``admin`` has the password ``admin``).

::

    def test_something(desktop, rpc):
        agent = rpc('agente')
        case = agent.create('customer_care.case', {...})   # set up over RPC
        number, = agent.read('customer_care.case', [case], ['number'])
        sao = desktop
        sao.login('agente')
        sao.open_menu('Servicio al cliente', 'Casos')
        sao.open_row(number['number'], list_tab="Todo", search=True)
        sao.open_notebook("Respuesta")
        sao.type(sao.field('answer'), "Texto de la respuesta")
        sao.press('Tab')    # commit the text before clicking a button
        sao.click_button("Responder", confirm=True)
        stored, = agent.read('customer_care.case', [case], ['state'])
        assert stored['state'] == 'answered'

The :class:`Sao` gestures: ``login``, ``open_menu(*labels)``,
``list_tab(label)``, ``search(text)``, ``open_row(text)``, ``new_record()``,
``open_notebook(label)``, ``type(locator, text)``, ``press(key)``,
``click(locator, hold=, quick=, tap=)``, ``select(field, label)``,
``many2one(field, text)``, ``click_button(label, confirm=)``,
``accept_dialog()``, ``dialog_ok()``, ``save()``; what to find:
``tab``, ``form``, ``field(name, within=)``, ``button(label)``,
``toolbar(id)``, ``one2many(label)``, ``rows()``, ``row(text)``,
``dialog()``, ``message()``; ``rpc_log``/``calls()`` are the JSON-RPC
requests the page sent, ``overflow()`` how much the page is wider than its
viewport. The examples: ``test_browser_*.py``.

Guidelines:

- Type with :meth:`Sao.type` (``press_sequentially``) and click with
  :meth:`Sao.click` (mouse move, press, release; ``hold`` seconds between
  them, or ``quick=True``: press and release sent together, as a tap or
  Playwright's own click does). ``locator.fill`` skips the key events sao
  listens to.
- Wait on conditions: :meth:`Sao.idle` (no JSON-RPC request in flight for a
  short while), ``locator.wait_for()``, ``expect(...)``. No fixed sleeps,
  except :meth:`Sao.tick` where sao needs a redisplay.
- Menus, tabs and buttons are found by their Spanish labels, fields by
  their name (``sao.field('kind')``), list rows by a text they show.
- Known web-client bugs (issue 10, branch ``forms``): a text field typed
  right before a button click can lose other fields' values; until that fix
  is merged, commit the text with Tab before clicking a button.
"""
import base64
import datetime as dt
import email
import email.policy
import fcntl
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

from . import demo, mailsink
from .tools import MODULE, module_hash

ROOT = MODULE.parent
CACHE = Path(os.environ.get('CC_BROWSER_CACHE') or ROOT / '.cache' / 'browser')
SCREENSHOTS = CACHE / 'screenshots'
LOGS = CACHE / 'logs'
SAO = Path(os.environ.get('CC_SAO') or ROOT / '.sao' / 'package')
CHROMIUM = os.environ.get('CHROMIUM') or '/usr/bin/chromium'
CHROMIUM_ARGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    ]
DATABASE = 'demo'
ADMIN_PASSWORD = 'admin'
LANGUAGE = 'es'
DESKTOP = {
    'viewport': {'width': 1280, 'height': 800},
    'locale': 'es-CO', 'timezone_id': 'America/Bogota',
    }
PHONE = {
    'viewport': {'width': 390, 'height': 844},
    'locale': 'es-CO', 'timezone_id': 'America/Bogota',
    'has_touch': True, 'is_mobile': True, 'device_scale_factor': 2,
    }
# Playwright's default timeout (ms) for every wait of a page
TIMEOUT = 20_000

# ---- Why the browser tests can't run ----------------------------------------


def skip_reason():
    "Return why the browser tests are skipped here, or None"
    if os.environ.get('CC_BROWSER') == '0':
        return "browser tests disabled by CC_BROWSER=0"
    uri = os.environ.get('TRYTOND_DATABASE_URI', '')
    if uri and not uri.startswith('sqlite'):
        return ("browser tests run on SQLite only (TRYTOND_DATABASE_URI=%s); "
            "they run in the SQLite pass" % uri.split(':', 1)[0])
    return None


def missing():
    "Return what is missing to run the browser tests, or None"
    problems = []
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        problems.append(f"Chromium not found at {CHROMIUM}: "
            "apt-get install -y chromium (or set CHROMIUM)")
    if not (SAO / 'index.html').is_file():
        problems.append(f"the web client is missing in {SAO}: run 'make sao' "
            "(needs nodejs and npm)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the Python package playwright is missing: "
            "pip install -e '.[test]'")
    if problems:
        return ("; ".join(problems)
            + ". Set CC_BROWSER=0 to skip the browser tests on purpose.")
    return None


# ---- Processes --------------------------------------------------------------

def free_port():
    "Return a TCP port of 127.0.0.1 free right now"
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _environ():
    "The environment of trytond's processes: no TRYTOND_* from the tests"
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_')
        and k not in {'DB_NAME', 'DB_CACHE', 'CUSTOMER_CARE_MAIL_DIR'}}
    env['PYTHONUNBUFFERED'] = '1'
    return env


def write_config(path, directory, smtp_uri, listen=None):
    "Write a trytond.conf for the SQLite databases of directory"
    lines = [
        '[database]', 'uri = sqlite://', f'path = {directory}', '',
        '[web]', f'root = {SAO}',
        ]
    if listen:
        lines.append(f'listen = {listen}')
    lines += [
        '', '[email]', f'uri = {smtp_uri}',
        'from = Customer Care Demo <care@example.com>', '',
        ]
    Path(path).write_text('\n'.join(lines))


def cache_key():
    """The key of the cached demo database: module sources, demo.py and day

    (Not browser.py: after changing how the database is built, set
    CC_BROWSER_REBUILD=1 once.)"""
    digest = hashlib.sha256(module_hash().encode())
    digest.update((MODULE / 'tests' / 'demo.py').read_bytes())
    # the demo's day is the company's (Bogotá), not the machine's (UTC)
    digest.update(dt.datetime.now(ZoneInfo(demo.TIMEZONE)).date()
        .isoformat().encode())
    return digest.hexdigest()[:16]


def demo_database():
    """Return the path of the cached demo database, building it if needed.

    Built as ``make demo-db`` does: trytond-admin --all -u customer_care
    --activate-dependencies -l es, then tests/demo.py, with a mail sink.
    """
    folder = CACHE / cache_key()
    target = folder / f'{DATABASE}.sqlite'
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / 'lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists() and not os.environ.get('CC_BROWSER_REBUILD'):
            return target
        if target.exists():
            target.unlink()
        build = folder / 'build'
        shutil.rmtree(build, ignore_errors=True)
        build.mkdir()
        sink = mailsink.start(str(build / 'mail'))
        try:
            conf = build / 'trytond.conf'
            write_config(conf, build, sink.uri)
            (build / f'{DATABASE}.sqlite').touch()
            (build / 'passfile').write_text(ADMIN_PASSWORD + '\n')
            env = _environ()
            env['TRYTONPASSFILE'] = str(build / 'passfile')
            bin_ = Path(sys.executable).parent
            log = build / 'build.log'
            started = time.monotonic()
            with open(log, 'w') as out:
                for command in [
                        [str(bin_ / 'trytond-admin'), '-c', str(conf),
                            '-d', DATABASE, '--all',
                            '--email', 'admin@example.com',
                            '-u', 'customer_care', '--activate-dependencies',
                            '-l', LANGUAGE],
                        [sys.executable, '-m',
                            'trytond.modules.customer_care.tests.demo',
                            '-c', str(conf), '-d', DATABASE],
                        ]:
                    out.write('$ ' + ' '.join(command) + '\n')
                    out.flush()
                    process = subprocess.run(command, env=env, cwd=ROOT,
                        stdout=out, stderr=subprocess.STDOUT)
                    if process.returncode:
                        raise RuntimeError(
                            f"building the demo database failed "
                            f"({' '.join(command[:2])}): see {log}")
                out.write(f'built in {time.monotonic() - started:.0f} s\n')
        finally:
            sink.shutdown()
            sink.server_close()
        shutil.copy(log, folder / 'build.log')
        os.replace(build / f'{DATABASE}.sqlite', target)
        shutil.rmtree(build, ignore_errors=True)
        # Old keys are of no use any more
        for other in CACHE.iterdir():
            if (other.is_dir() and other != folder
                    and re.fullmatch(r'[0-9a-f]{16}', other.name)):
                shutil.rmtree(other, ignore_errors=True)
        return target


class Server:
    """A trytond server on a copy of the demo database.

    ``url`` ends with a slash; ``database`` is the database name;
    ``mail_dir`` holds the e-mails the server sent (``mails()`` parses
    them); ``log`` is the server's output.
    """

    def __init__(self, source, directory, name):
        self.directory = Path(directory)
        self.database = DATABASE
        self.name = name
        shutil.copy(source, self.directory / f'{DATABASE}.sqlite')
        self.mail_dir = self.directory / 'mail'
        self.sink = mailsink.start(str(self.mail_dir))
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log = LOGS / f'{name}.log'
        self.log.write_text('')  # the log of this run only
        self.process = None
        self._sessions = {}

    def start(self, tries=3):
        for _ in range(tries):
            self.port = free_port()
            self.url = f'http://127.0.0.1:{self.port}/'
            conf = self.directory / 'trytond.conf'
            write_config(conf, self.directory, self.sink.uri,
                listen=f'127.0.0.1:{self.port}')
            out = open(self.log, 'a')
            out.write(f'--- trytond on {self.url} ({time.ctime()})\n')
            out.flush()
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / 'trytond'),
                    '-c', str(conf), '-d', self.database],
                env=_environ(), cwd=ROOT, stdout=out,
                stderr=subprocess.STDOUT)
            out.close()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    break  # e.g. the port was taken meanwhile: try another
                try:
                    with urllib.request.urlopen(self.url, timeout=2) as r:
                        if r.status == 200:
                            return self
                except (urllib.error.URLError, OSError):
                    pass
                time.sleep(0.2)
            self.stop()
        raise RuntimeError(f"the trytond server did not start: see {self.log}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def close(self):
        self.stop()
        self.sink.shutdown()
        self.sink.server_close()

    def rpc(self, login, password=None):
        "Return an RPC client logged in as login (kept for the module)"
        if login not in self._sessions:
            if password is None:
                password = (ADMIN_PASSWORD if login == 'admin'
                    else demo.PASSWORDS[login])
            self._sessions[login] = RPC(self, login, password)
        return self._sessions[login]

    def mails(self):
        "Return the e-mails sent so far, oldest first (email.message)"
        messages = []
        if self.mail_dir.is_dir():
            for path in sorted(self.mail_dir.glob('*.eml')):
                messages.append(email.message_from_bytes(
                        path.read_bytes(), policy=email.policy.default))
        return messages


# ---- JSON-RPC ---------------------------------------------------------------

class RPCError(Exception):
    "The server answered a JSON-RPC call with an error"

    def __init__(self, method, error):
        self.method = method
        self.error = error
        super().__init__(f'{method}: {error}')

    @property
    def message(self):
        "The text shown to the user for a UserError"
        if (isinstance(self.error, list) and len(self.error) > 1
                and isinstance(self.error[1], list) and self.error[1]):
            return self.error[1][0]
        return str(self.error)


def _encode(value):
    if isinstance(value, dt.datetime):
        return {'__class__': 'datetime', 'year': value.year,
            'month': value.month, 'day': value.day, 'hour': value.hour,
            'minute': value.minute, 'second': value.second,
            'microsecond': value.microsecond}
    if isinstance(value, dt.date):
        return {'__class__': 'date', 'year': value.year,
            'month': value.month, 'day': value.day}
    if isinstance(value, bytes):
        return {'__class__': 'bytes',
            'base64': base64.b64encode(value).decode()}
    raise TypeError(f'cannot encode {value!r}')


def _decode(value):
    kind = value.get('__class__')
    if kind == 'date':
        return dt.date(value['year'], value['month'], value['day'])
    if kind == 'datetime':
        return dt.datetime(value['year'], value['month'], value['day'],
            value['hour'], value['minute'], value['second'],
            value.get('microsecond', 0))
    if kind == 'time':
        return dt.time(value['hour'], value['minute'], value['second'],
            value.get('microsecond', 0))
    if kind == 'timedelta':
        return dt.timedelta(seconds=value['seconds'])
    if kind == 'bytes':
        return base64.b64decode(value['base64'])
    if kind == 'Decimal':
        import decimal
        return decimal.Decimal(value['decimal'])
    return value


class RPC:
    """A JSON-RPC client logged in as a user of the server.

    ``call(model, method, *args)`` calls ``model.<model>.<method>`` with the
    user's context; ``read``, ``search``, ``search_read``, ``create``,
    ``write`` and ``execute`` (a button) are shortcuts. Dates come back as
    ``datetime.date``, binaries as bytes.
    """

    def __init__(self, server, login, password):
        self.server = server
        self.login = login
        self.url = f'{server.url}{server.database}/rpc/'
        self.auth = None
        self.uid, session = self.request(
            'common.db.login', [login, {'password': password}, LANGUAGE])[:2]
        self.auth = base64.b64encode(
            f'{login}:{self.uid}:{session}'.encode()).decode()
        self.context = self.request('model.res.user.get_preferences',
            [True, {}])

    def request(self, method, params):
        body = json.dumps({'id': 1, 'method': method, 'params': params},
            default=_encode).encode()
        headers = {'Content-Type': 'application/json'}
        if self.auth:
            headers['Authorization'] = 'Session ' + self.auth
        request = urllib.request.Request(self.url, body, headers)
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = json.loads(response.read(), object_hook=_decode)
        if answer.get('error'):
            raise RPCError(method, answer['error'])
        return answer['result']

    def call(self, model, method, *args, context=None):
        ctx = dict(self.context, **(context or {}))
        return self.request(f'model.{model}.{method}', [*args, ctx])

    def today(self):
        """Today in the time zone of the user's company: the day the web
        client and the server count from (not the machine's UTC day)"""
        return self.call('ir.date', 'today')

    def search(self, model, domain, offset=0, limit=None, order=None):
        return self.call(model, 'search', domain, offset, limit, order)

    def read(self, model, ids, fields):
        return self.call(model, 'read', list(ids), fields)

    def search_read(self, model, domain, fields, offset=0, limit=None,
            order=None):
        return self.call(
            model, 'search_read', domain, offset, limit, order, fields)

    def create(self, model, values):
        "Create one record and return its id"
        id_, = self.call(model, 'create', [values])
        return id_

    def write(self, model, ids, values):
        return self.call(model, 'write', list(ids), values)

    def execute(self, model, button, ids):
        "Press a button (a ModelView.button method) on the records"
        return self.call(model, button, list(ids))

    def report(self, report_name, ids, data=None):
        """Run the report; return (extension, content bytes, name).

        Content is bytes as the web client downloads it."""
        ext, content, direct_print, name = self.request(
            f'report.{report_name}.execute',
            [list(ids), data or {}, self.context])
        if isinstance(content, str):
            content = content.encode()
        return ext, content, name


# ---- The web client ---------------------------------------------------------

class Sao:
    """One page of the web client and the gestures of a person on it.

    ``page`` is the Playwright page; ``tab`` the current tab
    (``#tabcontent > .tab-pane.active``); ``rpc_log`` every JSON-RPC request
    the page sent, as ``{'method', 'params'}`` dicts.
    """

    def __init__(self, page, server):
        self.page = page
        self.server = server
        self.rpc_log = []
        page.set_default_timeout(TIMEOUT)
        page.on('request', self._log_request)
        # window.alert/confirm (sao uses its own dialogs; just in case)
        page.on('dialog', lambda dialog: dialog.accept())

    def _log_request(self, request):
        if request.method == 'POST' and '/rpc/' in request.url:
            try:
                self.rpc_log.append(json.loads(request.post_data or ''))
            except ValueError:
                pass

    def calls(self, start=0, model=None, method=None):
        "The JSON-RPC calls logged since start, filtered on model/method"
        calls = []
        for body in self.rpc_log[start:]:
            name = body.get('method', '')
            if model and not name.startswith(f'model.{model}.'):
                continue
            if method and not name.endswith(f'.{method}'):
                continue
            calls.append(body)
        return calls

    # -- waiting

    def idle(self, quiet=150, timeout=TIMEOUT):
        """Wait until sao sent no request for quiet ms and none is running.

        sao sends every JSON-RPC call through jQuery.ajax: jQuery.active is
        the number in flight; the quiet window lets the promise chains that
        follow an answer send their next call."""
        self.page.wait_for_function('''quiet => new Promise(resolve => {
                let since = performance.now();
                const check = () => {
                    const busy = window.jQuery && window.jQuery.active > 0;
                    const now = performance.now();
                    if (busy) since = now;
                    if (now - since >= quiet) resolve(true);
                    else setTimeout(check, 25);
                };
                check();
            })''', arg=quiet, timeout=timeout)

    def tick(self, ms=100):
        "Let sao redisplay (the one fixed wait allowed: a redisplay tick)"
        self.page.wait_for_timeout(ms)

    # -- where things are

    @property
    def tab(self):
        "The current tab's pane"
        return self.page.locator('#tabcontent > .tab-pane.active')

    @property
    def form(self):
        "The form of the current tab"
        return self.tab.locator('.form').first

    def field(self, name, within=None):
        """The input, select or textarea of field name in the current form
        (or in within, e.g. a dialog)"""
        return (within or self.form).locator(
            f':is(input, select, textarea)[name="{name}"]').first

    def one2many(self, label):
        "The visible One2Many (or Many2Many) widget titled label"
        return self.tab.locator(
            '.form-one2many:visible, .form-many2many:visible',
            has_text=label).first

    def button(self, label):
        "The form button labelled label in the current tab"
        return self.tab.get_by_role('button', name=label, exact=True).first

    def toolbar(self, id_):
        """The toolbar button id_ of the current tab: new_, save, switch,
        reload, delete_, attach, print, action, relate, email..."""
        return self.tab.locator(f'button#{id_}').first

    def notebook_tab(self, label):
        "The notebook page tab labelled label in the current tab"
        return self.tab.get_by_role('tab', name=label, exact=True).first

    def dialogs(self):
        "The visible modal dialogs, the topmost last"
        return self.page.locator('.modal-dialog:visible')

    def dialog(self):
        """The topmost visible modal dialog, now (a dialog opened over it
        later does not change which one this is)"""
        count = self.dialogs().count()
        if count:
            return self.dialogs().nth(count - 1)
        return self.dialogs().last

    def rows(self):
        "The rows of the current tab's list"
        return self.tab.locator('.treeview tbody tr:visible')

    # -- gestures

    def login(self, login, password=None):
        "Log into sao as login: the two-step login (user, then password)"
        if password is None:
            password = (ADMIN_PASSWORD if login == 'admin'
                else demo.PASSWORDS[login])
        page = self.page
        page.goto(f'{self.server.url}#{self.server.database}')
        # the database comes from the URL's fragment
        user = page.locator('#login')
        user.wait_for()
        self.click(user)
        page.keyboard.type(login)
        self.click(page.get_by_role(
                'button', name=re.compile('acceder|login|connect', re.I)))
        password_input = page.locator('input[type=password]:visible')
        password_input.wait_for()
        self.click(password_input)
        page.keyboard.type(password)
        page.keyboard.press('Enter')
        page.locator('#menu').wait_for()
        self.idle()

    def click(self, locator, hold=0, quick=False, tap=False):
        """Click locator as a person does: move, press, release.

        hold: seconds between press and release; quick: press and release
        sent together (no wait at all, as a touch tap or Playwright's
        click); tap: a touch-screen tap (needs has_touch)."""
        locator.scroll_into_view_if_needed()
        box = locator.bounding_box()
        assert box, f'{locator} is not visible'
        x, y = box['x'] + box['width'] / 2, box['y'] + box['height'] / 2
        if tap:
            self.page.touchscreen.tap(x, y)
            return
        mouse = self.page.mouse
        mouse.move(x, y)
        if quick:
            mouse.down()
            mouse.up()
            return
        mouse.down()
        # A person's click lasts a moment (~80 ms)
        self.page.wait_for_timeout(int((hold or 0.08) * 1000))
        mouse.up()

    def type(self, locator, text, delay=15, clear=False):
        "Click locator and type text key by key"
        self.click(locator)
        if clear:
            self.page.keyboard.press('Control+A')
            self.page.keyboard.press('Delete')
        locator.press_sequentially(text, delay=delay)

    def press(self, key):
        "Press a key (e.g. 'Tab' to commit a typed text) and wait for sao"
        self.page.keyboard.press(key)
        self.idle()

    def select(self, name, label, within=None):
        "Pick the option labelled label in the selection field name"
        self.field(name, within).select_option(label=label)
        self.idle()

    def many2one(self, name, text, within=None):
        """Type text in the Many2One field name and pick the record.

        sao searches on Tab: one match fills the field, several open the
        search dialog, where the first row whose text contains text is
        chosen."""
        from playwright.sync_api import expect
        field = self.field(name, within)
        dialogs = self.dialogs().count()
        self.type(field, text, clear=True)
        self.page.keyboard.press('Tab')
        self.idle()
        if self.dialogs().count() > dialogs:
            dialog = self.dialog()
            row = dialog.locator('.treeview tbody tr', has_text=text).first
            self.click(row.locator('td').nth(1))
            self.idle()
            self.click(dialog.get_by_role('button', name='Aceptar'))
            expect(self.dialogs()).to_have_count(dialogs)
            self.idle()

    def open_menu(self, *path):
        """Open the menu entry at path (Spanish labels).

        A parent is only clicked when its child is not shown yet (sao
        remembers which entries are expanded)."""
        menu = self.page.locator('#menu')

        def entry(i):
            # the n-th entry of that name when a parent and child share it
            return menu.get_by_text(path[i], exact=True).nth(
                path[:i].count(path[i]))

        for i in range(len(path)):
            if i < len(path) - 1:
                child = entry(i + 1)
                if child.is_visible():
                    continue
                self.click(entry(i))
                child.wait_for()
            else:
                self.click(entry(i))
        self.tab.locator('.treeview, .form').first.wait_for()
        self.idle()

    def list_tab(self, label):
        "Click the list's filter tab whose name starts with label"
        self.click(self.tab.get_by_role(
                'tab', name=re.compile('^' + re.escape(label))).first)
        self.idle()

    def search(self, text):
        "Type text in the list's search box (FILTROS) and press Enter"
        entry = self.tab.get_by_placeholder("Buscar").first
        self.type(entry, text, clear=True)
        self.press('Enter')
        self.idle()

    def row(self, text):
        "The first visible row of the current list that shows text"
        return self.tab.locator(
            '.treeview tbody tr:visible', has_text=text).first

    def open_row(self, text, list_tab=None, search=False):
        """Open the record of the list row that shows text (double-click),
        after clicking the list's tab whose name starts with list_tab and,
        with search, searching text"""
        if list_tab:
            self.list_tab(list_tab)
        if search:
            self.search(text)
        row = self.row(text)
        row.wait_for()
        # not a link cell (a click on it opens the linked record) nor the
        # selection box
        cell = row.locator('td[headers]:not(:has(a, button, input))'
            ':visible').first
        if not cell.count():
            cell = row.locator('td', has_text=text).first
        # A person's double click near the start of the cell (a
        # Playwright dblclick at its centre sometimes opened a second tab)
        cell.scroll_into_view_if_needed()
        box = cell.bounding_box()
        self.page.mouse.dblclick(
            box['x'] + min(10, box['width'] / 2),
            box['y'] + box['height'] / 2, delay=40)
        self.form.wait_for()
        self.idle()

    def new_record(self):
        "Press the toolbar's New and wait for the empty form"
        self.click(self.toolbar('new_'))
        self.form.wait_for()
        self.idle()

    def open_notebook(self, label):
        "Show the page label of the form's notebook"
        self.click(self.notebook_tab(label))
        self.idle()

    def click_button(self, label, confirm=False, hold=0, quick=False,
            tap=False):
        """Press the form button label and wait until the server ran it;
        with confirm, accept its dialog (Aceptar / Sí) and return the
        dialog's text. The calls the click sent are calls(start) with start
        = last_click_calls."""
        start = len(self.rpc_log)
        button = self.button(label)
        from playwright.sync_api import expect
        expect(button).to_be_enabled()
        method = button.get_attribute('name')
        if not (method and method.isidentifier()):
            method = None  # e.g. a button that opens an action
        self.click(button, hold=hold, quick=quick, tap=tap)
        text = None
        if confirm:
            text = self.accept_dialog()
        if method:
            # sao calls model.<model>.<button name> (after saving)
            self.wait_call(method, start)
        self.idle()
        self.last_click_calls = start
        return text

    def wait_call(self, method, start=0, timeout=TIMEOUT):
        """Wait until the page sent a JSON-RPC call to a method named
        method since rpc_log[start] (the answer: see idle)"""
        deadline = time.monotonic() + timeout / 1000
        while not any(c.get('method', '').endswith('.' + method)
                for c in self.rpc_log[start:]):
            if time.monotonic() > deadline:
                raise AssertionError(f"sao did not call {method}: "
                    f"{self.message() or 'no message shown'}")
            self.page.wait_for_timeout(25)

    def accept_dialog(self, label=re.compile(r'^(Aceptar|Sí|OK)$', re.I)):
        """Wait for a modal dialog, press its Aceptar (or Sí, OK) button,
        else its main button (a wizard's default); return its text"""
        self.dialogs().first.wait_for()
        dialog = self.dialog()  # the topmost, now that there is one
        text = dialog.inner_text().strip()
        button = dialog.get_by_role('button', name=label)
        if not button.count():
            button = dialog.locator('.modal-footer .btn-primary')
        self.click(button.first)
        self.idle()
        return text

    def dialog_ok(self, dialog=None):
        """Press the main button of the dialog (Añadir, Aceptar, Guardar...)
        and wait until it is closed"""
        from playwright.sync_api import expect
        dialog = dialog or self.dialog()
        count = self.dialogs().count()
        self.click(dialog.locator('.modal-footer .btn-primary').first)
        expect(self.dialogs()).to_have_count(count - 1)
        self.idle()

    def save(self, timeout=TIMEOUT):
        """Save the current record (the toolbar's Guardar, else Ctrl+S):
        wait until sao sent its create or write and got the answer; fail
        with the text of the dialog sao shows instead (e.g. a required field
        left empty)."""
        start = len(self.rpc_log)
        button = self.toolbar('save')
        if button.is_visible() and button.is_enabled():
            self.click(button)
        else:
            self.page.keyboard.press('Control+s')
        deadline = time.monotonic() + timeout / 1000
        while not any(c['method'].endswith(('.create', '.write'))
                for c in self.rpc_log[start:]):
            message = self.message()
            if message:
                raise AssertionError(f"saving was refused: {message}")
            if time.monotonic() > deadline:
                raise AssertionError("sao sent no create or write")
            self.page.wait_for_timeout(50)
        self.idle()
        message = self.message()
        if message:
            raise AssertionError(f"saving was refused: {message}")

    def message(self):
        "The text of a visible modal dialog (e.g. an error), or None"
        dialog = self.dialog()
        if dialog.count():
            return dialog.inner_text().strip()
        return None

    def overflow(self):
        "How many pixels the page is wider than its viewport (0 is good)"
        return self.page.evaluate(
            'document.documentElement.scrollWidth - window.innerWidth')


# ---- Screenshots of failed tests --------------------------------------------

PAGES_KEY = '_customer_care_pages'


def track(item, sao):
    "Remember that the test item has sao's page open (for the screenshots)"
    saos = getattr(item, PAGES_KEY, None)
    if saos is None:
        saos = []
        setattr(item, PAGES_KEY, saos)
    saos.append(sao)


def screenshot_failure(item):
    """Save every open page of the failed test item as <test>-<n>.png, and
    the JSON-RPC calls it sent as <test>-<n>-rpc.txt; return the paths"""
    paths = []
    name = re.sub(r'[^\w.-]+', '_', item.nodeid.split('/')[-1])
    for n, sao in enumerate(getattr(item, PAGES_KEY, []), 1):
        # Only browser tests have pages, and they need playwright
        from playwright.sync_api import Error as PlaywrightError
        page = sao.page
        if page.is_closed():
            continue
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f'{name}-{n}.png'
        calls = SCREENSHOTS / f'{name}-{n}-rpc.txt'
        calls.write_text(''.join(
                f"{c.get('method')} {json.dumps(c.get('params', [])[:-1])}\n"
                for c in sao.rpc_log))
        paths.append(calls)
        try:
            page.screenshot(path=str(path), full_page=True)
        except PlaywrightError:  # a crashed page must not hide the failure
            continue
        paths.append(path)
    return paths

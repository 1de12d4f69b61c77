# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import re

import pytest

from trytond.modules.customer_care.tests.tools import (
    key_db_cache, start_mail_sink)

key_db_cache()


def pytest_configure(config):
    "Keep the e-mails of the tests in a sink instead of sending them"
    config._customer_care_mailsink = start_mail_sink()
    config.addinivalue_line('markers',
        "browser: end-to-end test in the web client (tests/browser.py)")


def pytest_unconfigure(config):
    sink = getattr(config, '_customer_care_mailsink', None)
    if sink:
        sink.shutdown()
        sink.server_close()


# ---- Browser tests (the harness and its guide: tests/browser.py) ----------

def pytest_collection_modifyitems(config, items):
    "Mark the tests of test_browser_*.py files as browser tests"
    for item in items:
        if re.match(r'test_browser_\w+\.py$', item.path.name):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    "Save a screenshot of every page a failed browser test had open"
    outcome = yield
    report = outcome.get_result()
    if report.failed and report.when in {'setup', 'call'}:
        from trytond.modules.customer_care.tests import browser
        paths = browser.screenshot_failure(item)
        if paths:
            report.sections.append(('screenshots',
                    '\n'.join(str(p) for p in paths)))


def _browser_ready():
    from trytond.modules.customer_care.tests import browser
    reason = browser.skip_reason()
    if reason:
        pytest.skip(reason)
    problem = browser.missing()
    if problem:
        pytest.fail(problem, pytrace=False)
    return browser


@pytest.fixture(scope='session')
def demo_database():
    "The path of the cached demo database (built once)"
    browser = _browser_ready()
    return browser.demo_database()


@pytest.fixture(scope='module')
def demo_server(demo_database, request, tmp_path_factory):
    "A trytond server on this module's own copy of the demo database"
    from trytond.modules.customer_care.tests import browser
    name = request.module.__name__.rsplit('.', 1)[-1]
    server = browser.Server(
        demo_database, tmp_path_factory.mktemp(name), name)
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture
def rpc(demo_server):
    "rpc(login) is a JSON-RPC client logged in as that demo user"
    return demo_server.rpc


@pytest.fixture(scope='session')
def chromium():
    "Debian's Chromium, headless, driven by Playwright"
    browser = _browser_ready()
    from playwright.sync_api import sync_playwright
    import shutil
    shutil.rmtree(browser.SCREENSHOTS, ignore_errors=True)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=browser.CHROMIUM, headless=True,
            args=browser.CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def new_sao(chromium, demo_server, request):
    "new_sao(**options) opens a page (a new browser context) as a Sao"
    from trytond.modules.customer_care.tests import browser
    contexts = []

    def new(**options):
        context = chromium.new_context(**{**browser.DESKTOP, **options})
        contexts.append(context)
        page = context.new_page()
        browser.track(request.node, page)
        return browser.Sao(page, demo_server)

    yield new
    for context in contexts:
        context.close()


@pytest.fixture
def desktop(new_sao):
    "A Sao on a 1280x800 desktop page in Spanish (es-CO)"
    from trytond.modules.customer_care.tests import browser
    return new_sao(**browser.DESKTOP)


@pytest.fixture
def phone(new_sao):
    "A Sao on a 390x844 phone page with a touch screen"
    from trytond.modules.customer_care.tests import browser
    return new_sao(**browser.PHONE)

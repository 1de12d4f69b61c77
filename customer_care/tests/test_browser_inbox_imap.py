# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The IMAP mailbox of an inbox in the web client"
import re

from playwright.sync_api import expect

from trytond.modules.customer_care.tests.browser import SCREENSHOTS


def test_inbox_imap_mailbox(desktop, rpc):
    """The administrator sees the demo inbox's IMAP mailbox, its password
    hidden, and Fetch Now says why the server could not be reached"""
    sao = desktop
    sao.login('admin')
    sao.open_menu(
        'Administración', 'Correo electrónico entrante', 'Bandeja de entrada')
    sao.open_row("Customer care")
    expect(sao.tab).to_contain_text("Buzón IMAP")
    expect(sao.field('imap_host')).to_have_value('imap.gaseslitoral.example')
    password = sao.field('imap_password')
    assert password.get_attribute('type') == 'password'

    sao.click_button("Descargar ahora")

    error = sao.field('imap_last_error')
    expect(error).to_have_value(re.compile(
            r'No se pudo conectar con el servidor IMAP '
            r'imap\.gaseslitoral\.example:993'))
    inbox, = rpc('admin').search_read('inbound.email.inbox',
        [('name', '=', "Customer care")],
        ['imap_last_fetch', 'imap_last_error', 'imap_fetch'])
    assert inbox['imap_last_fetch'] and inbox['imap_last_error']
    assert not inbox['imap_fetch']
    # For the documentation (doc/images/inbox_imap.png)
    error.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sao.page.screenshot(path=str(SCREENSHOTS / 'inbox_imap.png'))

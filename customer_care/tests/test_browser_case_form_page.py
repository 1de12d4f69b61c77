# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The public web form on a phone (390 px wide), filled with the keyboard
alone (Tab, typing, Space, arrows and Enter), then the follow-up link it
gives, on the demo (SQLite only, as every browser test)."""
import os
import re
import uuid
from urllib.parse import unquote

from .test_browser_survey_page import OVERFLOWING

CASE = 'customer_care.case'
# Set to a folder to save the pages for the documentation
SCREENSHOTS = os.environ.get('CC_DOC_SCREENSHOTS')


def fits(page):
    "Tell that the page is not wider than the phone"
    assert page.evaluate('document.documentElement.scrollWidth') <= 390
    assert page.evaluate(OVERFLOWING) == []


def focused(page):
    "Return the name (or id) of the focused element"
    return page.evaluate(
        '() => document.activeElement.name || document.activeElement.id')


def screenshot(page, name):
    if SCREENSHOTS:
        page.screenshot(
            path=os.path.join(SCREENSHOTS, f'{name}.png'), full_page=True)


def test_case_form_on_phone_with_keyboard(phone, rpc):
    "A customer files a complaint with the keyboard and follows it"
    coordinator = rpc('coordinador')
    company = coordinator.context['company']
    sao = phone
    page = sao.page
    server = sao.server
    page.goto(
        f'{server.url}{server.database}/customer_care/{company}/case/new')
    page.locator('form').wait_for()
    fits(page)
    # The texts in the browser's language (es-CO)
    assert page.locator('html').get_attribute('lang') == 'es'
    assert "Tratamiento de datos personales" in page.inner_text('body')
    screenshot(page, 'case_form_page')

    tag = uuid.uuid4().hex[:6]
    subject = f"Medidor dañado {tag}"
    keyboard = page.keyboard

    def tab_to(name):
        keyboard.press('Tab')
        assert focused(page) == name

    tab_to('name')
    keyboard.type("Rosa Elena Cantillo")
    # The type of identification keeps its first choice (CC)
    tab_to('identifier_type')
    tab_to('identifier_code')
    keyboard.type("22.333.444")
    tab_to('email')
    keyboard.type(f'rosa.{tag}@correo.example')
    tab_to('phone')
    keyboard.type("+57 300 555 0142")
    # The kinds are radio buttons: Space checks the first, an arrow the next
    tab_to('kind')
    keyboard.press('Space')
    keyboard.press('ArrowDown')
    assert page.locator('input[name=kind]:checked').get_attribute(
        'value') == 'complaint'
    tab_to('subject')
    keyboard.type(subject)
    tab_to('description')
    keyboard.type("El medidor de gas de mi casa tiene la pantalla rota.")
    tab_to('attachments')
    # The policy scrolls with the keyboard, then its consent
    tab_to('policy')
    tab_to('consent')
    keyboard.press('Space')
    assert page.locator('#field-consent').is_checked()
    # The honeypot is skipped
    keyboard.press('Tab')
    assert page.evaluate('document.activeElement.type') == 'submit'
    with page.expect_navigation():
        keyboard.press('Enter')
    body = page.inner_text('body')
    assert "Gracias" in body, body
    fits(page)
    screenshot(page, 'case_form_thanks')
    number, = set(re.findall(r'PQRS-\d+', body))
    link = page.locator('a[href*="/customer_care/case/"]')
    url = link.get_attribute('href')
    assert f'/customer_care/case/{number}/' in url

    case, = coordinator.search(CASE, [('number', '=', number)])
    stored, = coordinator.read(CASE, [case], [
            'state', 'channel', 'kind', 'subject', 'contact_email',
            'consent_date', 'consent_language', 'due_date'])
    assert stored['state'] == 'registered'
    assert stored['channel'] == 'web'
    assert stored['kind'] == 'complaint'
    assert stored['subject'] == subject
    assert stored['contact_email'] == f'rosa.{tag}@correo.example'
    assert stored['consent_date']
    assert stored['consent_language'] == 'es'
    assert stored['due_date']
    # The acknowledgement e-mailed the same link
    mails = [m for m in server.mails() if f'rosa.{tag}' in m['To']]
    assert mails
    assert unquote(url) in unquote(
        mails[-1].get_body(('plain', 'html')).get_content())

    # The follow-up link (reached with Tab), on this test's server (the
    # demo's web address is another port), and a message added with the
    # keyboard
    keyboard.press('Tab')
    assert page.evaluate('document.activeElement.tagName') == 'A'
    path = url[url.index(f'/{server.database}/'):]
    page.goto(server.url.rstrip('/') + path)
    page.locator('#state').wait_for()
    assert page.inner_text('#state') == 'Registrado'
    fits(page)
    tab_to('message')
    keyboard.type("Adjunto la foto mañana.")
    tab_to('attachments')
    keyboard.press('Tab')
    assert page.evaluate('document.activeElement.type') == 'submit'
    with page.expect_navigation():
        keyboard.press('Enter')
    assert "Adjunto la foto mañana." in page.inner_text('.messages')
    fits(page)
    screenshot(page, 'case_follow_up_page')
    admin = rpc('admin')
    messages = admin.search('ir.chat.message', [
            ('channel.resource', '=', f'{CASE},{case}'),
            ('audience', '=', 'public'),
            ])
    contents = [m['content'] for m in admin.read(
            'ir.chat.message', messages, ['content'])]
    assert "Adjunto la foto mañana." in contents

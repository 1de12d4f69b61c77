# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Forwarding a case in the web client (Ley 1755 de 2015, art. 21): Sin
competencia gives the day to forward it by, Remitir names the competent
organisation, which receives the letter, and the customer the notice."""
import os
import uuid

from playwright.sync_api import expect

IMAGES = os.path.join(
    os.path.dirname(__file__), '..', 'doc', 'images')
CASE = 'customer_care.case'
CUSTOMER = "Cerámicas San Lorenzo S.A.S."
ORGANISATION = "Acueducto del Atlántico Demo S.A. E.S.P."


def test_forward_to_competent_organisation(desktop, rpc):
    "Sin competencia then Remitir: the organisation gets the letter"
    agent = rpc('agente')
    address = f'ana.{uuid.uuid4().hex[:6]}@ceramicassl.example'
    customer, = agent.search('party.party', [('name', '=', CUSTOMER)])
    case = agent.create(CASE, {
            'customer': customer, 'subject': "Fuga de agua en la planta",
            'kind': 'petition', 'petition_kind': 'general',
            'channel': 'email', 'contact_email': address})
    agent.execute(CASE, 'register', [case])
    sao = desktop
    sao.login('agente')
    sao.page.goto(
        f'{sao.server.url}#{sao.server.database}/model/{CASE}/{case}')
    sao.form.wait_for()
    sao.idle()

    sao.click_button("Sin competencia")
    stored, = agent.read(CASE, [case], ['state', 'forward_due_date'])
    assert stored['state'] == 'forwarding'
    assert stored['forward_due_date']

    sao.click_button("Remitir")
    dialog = sao.dialog()
    dialog.locator('.form').first.wait_for()
    sao.idle()
    sao.many2one('organisation', ORGANISATION, within=dialog)
    assert sao.field('email', within=dialog).input_value() == (
        'pqrs@acueducto-demo.example')
    if os.environ.get('CC_DOC_SCREENSHOTS'):
        sao.page.screenshot(path=os.path.join(IMAGES, 'case_forward.png'))
    sao.click(dialog.get_by_role('button', name="Remitir"))
    expect(sao.dialogs()).to_have_count(0)
    sao.idle()

    stored, = agent.read(CASE, [case], ['state', 'forwarded_email'])
    assert stored['state'] == 'forwarded'
    assert stored['forwarded_email'] == 'pqrs@acueducto-demo.example'
    mails = sao.server.mails()
    notice, = [m for m in mails if address in (m['To'] or '')]
    assert ORGANISATION in notice['Subject']
    letter, = notice.iter_attachments()
    assert letter.get_content().startswith(b'%PDF')
    sent = [m for m in mails
        if 'pqrs@acueducto-demo.example' in (m['To'] or '')
        and 'Fuga de agua en la planta' in m.get_body(
            ('plain',)).get_content()]
    assert len(sent) == 1

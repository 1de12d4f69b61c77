# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Asking the customer to complete a case in the web client: the wizard
shows the recipient and the limit date, the customer gets the e-mail, the
case waits for the customer and its suspension is shown read-only; Resume
puts it back in analysis."""
import os
import uuid

from playwright.sync_api import expect

IMAGES = os.path.join(
    os.path.dirname(__file__), '..', 'doc', 'images')
CASE = 'customer_care.case'
CUSTOMER = "Cerámicas San Lorenzo S.A.S."


def test_ask_customer_and_resume(desktop, rpc):
    "Pedir al cliente que complete, then Reanudar"
    agent = rpc('agente')
    address = f'ana.{uuid.uuid4().hex[:6]}@ceramicassl.example'
    customer, = agent.search('party.party', [('name', '=', CUSTOMER)])
    case = agent.create(CASE, {
            'customer': customer, 'subject': "Copia del contrato",
            'kind': 'petition', 'petition_kind': 'information',
            'channel': 'phone', 'contact_name': "Ana Prueba",
            'contact_email': address})
    agent.execute(CASE, 'register', [case])
    agent.execute(CASE, 'analyse', [case])
    number = agent.read(CASE, [case], ['number'])[0]['number']
    request = "Autorización firmada por la titular del contrato"

    sao = desktop
    sao.login('agente')
    sao.page.goto(
        f'{sao.server.url}#{sao.server.database}/model/{CASE}/{case}')
    sao.form.wait_for()
    sao.idle()
    sao.click_button("Pedir al cliente que complete")
    dialog = sao.dialog()
    dialog.locator('.form').first.wait_for()
    sao.idle()
    assert address in sao.field('recipient', within=dialog).input_value()
    assert sao.field('limit_date', within=dialog).input_value()
    sao.type(sao.field('request', within=dialog), request)
    sao.press('Tab')
    if os.environ.get('CC_DOC_SCREENSHOTS'):
        sao.page.screenshot(
            path=os.path.join(IMAGES, 'case_suspension_ask.png'))
    sao.click(dialog.get_by_role('button', name="Enviar"))
    expect(sao.dialogs()).to_have_count(0)
    sao.idle()

    stored, = agent.read(CASE, [case], ['state', 'suspensions'])
    assert stored['state'] == 'customer'
    suspension, = agent.read(
        'customer_care.case.suspension', stored['suspensions'],
        ['request', 'state'])
    assert suspension['request'] == request
    assert suspension['state'] == 'suspended'
    mail, = [m for m in sao.server.mails() if address in (m['To'] or '')]
    assert mail['Subject'] == (
        f'Su solicitud {number}: por favor complétela')
    assert request in mail.get_body(('plain',)).get_content()

    sao.click(sao.toolbar('reload'))
    sao.idle()
    expect(sao.field('state')).to_have_value('"customer"')
    sao.open_notebook("Suspensiones")
    widget = sao.one2many("Suspensiones")
    expect(widget.locator('tbody tr', has_text=request)).to_have_count(1)

    sao.click_button("Reanudar")
    sao.idle()
    stored, = agent.read(CASE, [case], ['state'])
    assert stored['state'] == 'analysis'

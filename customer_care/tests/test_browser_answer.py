# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Answering a case in the web client: the confirmation shows who receives
what, the customer gets the letter in PDF; the information request form of
the one who asks has no answer, the case's list shows the answers."""
import os
import uuid

from playwright.sync_api import expect

CASE = 'customer_care.case'
REQUEST = 'customer_care.case.information_request'
CUSTOMER = "Cerámicas San Lorenzo S.A.S."
# Where the doc's screenshot goes when CC_DOC_SCREENSHOTS=1
IMAGES = os.path.join(
    os.path.dirname(os.path.dirname(__file__)), 'doc', 'images')


def unique(text):
    "text with a tag that no other record carries"
    return f'{text} {uuid.uuid4().hex[:6]}'


def make_case(rpc, subject, **values):
    "Create a phone complaint of CUSTOMER over RPC, in analysis"
    customer, = rpc.search('party.party', [('name', '=', CUSTOMER)])
    case = rpc.create(CASE, {
            'customer': customer, 'subject': subject,
            'kind': 'complaint', 'channel': 'phone', **values})
    rpc.execute(CASE, 'register', [case])
    rpc.execute(CASE, 'analyse', [case])
    number, = rpc.read(CASE, [case], ['number'])
    return case, number['number']


def open_case(sao, case):
    "Open the case from its address in the web client (as the e-mails give)"
    sao.page.goto(
        f'{sao.server.url}#{sao.server.database}/model/{CASE}/{case}')
    sao.form.wait_for()
    sao.idle()


def test_answer_shows_recipient_and_text(desktop, rpc):
    "Responder shows To, the text and the letter; Enviar mails the PDF"
    agent = rpc('agente')
    contact = "Ana Prueba"
    # The address tells this test's mail from the others'
    address = f'ana.{uuid.uuid4().hex[:6]}@ceramicassl.example'
    case, number = make_case(
        agent, "Factura duplicada",
        contact_name=contact, contact_email=address)
    answer = "Anulamos la factura duplicada; no debe pagarla."
    sao = desktop
    sao.login('agente')
    open_case(sao, case)
    sao.open_notebook("Respuesta")
    sao.type(sao.field('answer'), answer)
    # Commit the typed text before the click (web-client bug, branch forms)
    sao.press('Tab')
    sao.click_button("Responder")

    dialog = sao.dialog()
    dialog.locator('.form').first.wait_for()
    sao.idle()
    assert sao.field('to', within=dialog).input_value() == (
        f'{contact} <{address}>')
    assert sao.field('subject', within=dialog).input_value() == (
        f'Respuesta a su solicitud {number}')
    body = sao.field('body', within=dialog).input_value()
    assert answer in body
    assert body.startswith(f"Apreciado(a) {contact}:")
    assert sao.field('attachment', within=dialog).input_value() == (
        f'Carta-de-respuesta-{number}.pdf')
    # Nothing has left yet
    stored, = agent.read(CASE, [case], ['state'])
    assert stored['state'] == 'analysis'
    assert not [m for m in sao.server.mails() if address in (m['To'] or '')]
    if os.environ.get('CC_DOC_SCREENSHOTS'):
        sao.page.screenshot(path=os.path.join(IMAGES, 'case_respond.png'))

    sao.click(dialog.get_by_role('button', name="Enviar"))
    expect(sao.dialogs()).to_have_count(0)
    sao.idle()

    stored, = agent.read(CASE, [case], ['state', 'answer', 'answer_date'])
    assert stored['state'] == 'answered'
    assert stored['answer'] == answer
    assert stored['answer_date']
    mail, = [m for m in sao.server.mails() if address in (m['To'] or '')]
    assert mail['Subject'] == f'Respuesta a su solicitud {number}'
    assert answer in mail.get_body(('plain',)).get_content()
    letter, = mail.iter_attachments()
    assert letter.get_content_type() == 'application/pdf'
    assert letter.get_filename() == f'Carta-de-respuesta-{number}.pdf'
    assert letter.get_content().startswith(b'%PDF')


def test_answer_without_address(desktop, rpc):
    "Without an address the confirmation says so and only records it"
    agent = rpc('agente')
    walk_in = rpc('admin').create(
        'party.party', {'name': unique("Cliente sin correo")})
    case = agent.create(CASE, {
            'customer': walk_in, 'subject': unique("Horario de atención"),
            'kind': 'petition', 'petition_kind': 'general',
            'channel': 'in_person'})
    agent.execute(CASE, 'register', [case])
    agent.execute(CASE, 'analyse', [case])
    agent.write(CASE, [case], {'answer': "Atendemos de 8 a 17."})
    sao = desktop
    sao.login('agente')
    open_case(sao, case)
    sao.click_button("Responder")
    dialog = sao.dialog()
    dialog.locator('.form').first.wait_for()
    sao.idle()
    expect(dialog.get_by_text(
            "El cliente no tiene correo electrónico")).to_be_visible()
    expect(dialog.get_by_role('button', name="Enviar")).to_be_hidden()
    sao.click(dialog.get_by_role('button', name="Registrar la respuesta"))
    expect(sao.dialogs()).to_have_count(0)
    sao.idle()
    stored, = agent.read(CASE, [case], ['state'])
    assert stored['state'] == 'answered'


def test_information_request_forms(desktop, rpc):
    "The asker's dialog has no answer; the case's list shows the answer"
    agent = rpc('agente')
    case, number = make_case(agent, unique("Consumo estimado"))
    question = unique("¿Cuál fue la lectura real del medidor?")
    sao = desktop
    sao.login('agente')
    open_case(sao, case)
    sao.open_notebook("Solicitudes de información")
    widget = sao.one2many("Solicitudes de información")
    sao.click(widget.locator('button[title="Nuevo"]').first)
    sao.dialogs().first.locator('.form').first.wait_for()
    sao.idle()
    dialog = sao.dialog()
    # The one asking does not answer
    expect(dialog.locator('textarea[name="question"]')).to_be_visible()
    expect(dialog.locator(
            ':is(input, textarea)[name="answer"]:visible')).to_have_count(0)
    expect(dialog.get_by_role('button', name="Responder")).to_have_count(0)
    sao.many2one('user', "Diana Castro", within=dialog)
    sao.type(sao.field('question', within=dialog), question)
    sao.press('Tab')
    if os.environ.get('CC_DOC_SCREENSHOTS'):
        sao.page.screenshot(
            path=os.path.join(IMAGES, 'information_request_ask.png'))
    sao.dialog_ok(dialog)
    sao.save()

    request, = agent.search_read(
        REQUEST, [('case', '=', case)], ['user.login', 'question', 'state'])
    assert request['user.']['login'] == 'servicio'
    assert request['question'] == question
    assert request['state'] == 'requested'

    # The one asked answers; the case's list of requests shows the answer
    answer = unique("La lectura real fue 1234 m³")
    service = rpc('servicio')
    service.write(REQUEST, [request['id']], {'answer': answer})
    service.execute(REQUEST, 'answer_request', [request['id']])
    sao.click(sao.toolbar('reload'))
    sao.idle()
    sao.open_notebook("Solicitudes de información")
    widget = sao.one2many("Solicitudes de información")
    expect(widget.locator('tbody tr', has_text=answer)).to_have_count(1)


def test_check_shows_answer(desktop, rpc):
    "The satisfaction check of an answered complaint shows its answer"
    agent = rpc('agente')
    case, number = make_case(agent, "Medidor ruidoso")
    answer = unique("Cambiamos el regulador de su medidor")
    agent.write(CASE, [case], {'answer': answer})
    agent.execute(CASE, 'respond', [case])
    check, = agent.search(
        'customer_care.satisfaction.check', [('case', '=', case)])
    sao = desktop
    sao.login('agente')
    sao.page.goto(f'{sao.server.url}#{sao.server.database}'
        f'/model/customer_care.satisfaction.check/{check}')
    sao.form.wait_for()
    sao.idle()
    field = sao.field('answer')
    expect(field).to_have_value(answer)
    expect(field).not_to_be_editable()
    if os.environ.get('CC_DOC_SCREENSHOTS'):
        sao.page.screenshot(
            path=os.path.join(IMAGES, 'satisfaction_check_form.png'))

# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The templates of the customer e-mails in the web client: Tryton's
administrator edits the answer template (only Tryton's administrators may:
a template's expressions run on the server), the next answer e-mail says
what they wrote."""
import os
import uuid

from trytond.modules.customer_care.tests.test_browser_answer import (
    IMAGES, make_case)

CONFIGURATION = 'customer_care.configuration'


def test_configuration_names_shipped_templates(rpc):
    "After installing, the configuration points at the shipped templates"
    coordinator = rpc('coordinador')
    configuration, = coordinator.read(CONFIGURATION, [1], [
            'acknowledgement_template.name', 'answer_template.name',
            'extension_template.name'])
    assert configuration['acknowledgement_template.']['name'] == (
        "Acuse de recibo del caso")
    assert configuration['answer_template.']['name'] == "Respuesta del caso"
    assert configuration['extension_template.']['name'] == (
        "Aviso de prórroga del caso")


def test_edit_answer_template(desktop, rpc):
    "The administrator changes the subject; the next answer carries it"
    tag = uuid.uuid4().hex[:6]
    subject = f"Respondimos su caso ${{case}} ({tag})"
    sao = desktop
    sao.login('admin')
    sao.open_menu('Servicio al cliente', 'Configuración',
        'Plantillas de correo')
    sao.open_row("Respuesta del caso")
    if os.environ.get('CC_DOC_SCREENSHOTS'):
        sao.page.screenshot(
            path=os.path.join(IMAGES, 'email_template_form.png'))
    sao.type(sao.field('subject'), subject, clear=True)
    sao.press('Tab')
    sao.save()

    agent = rpc('agente')
    address = f'plantilla.{tag}@ceramicassl.example'
    case, number = make_case(
        agent, "Cobro no reconocido", contact_email=address)
    agent.write('customer_care.case', [case], {
            'answer': "Revisamos el cobro y lo anulamos."})
    agent.execute('customer_care.case', 'respond', [case])
    mail, = [m for m in sao.server.mails() if address in (m['To'] or '')]
    assert mail['Subject'] == f"Respondimos su caso {number} ({tag})"
    assert "Revisamos el cobro y lo anulamos." in (
        mail.get_body(('plain',)).get_content())

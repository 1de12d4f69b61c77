# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A customer requirement in the web client: the account manager registers
one for a customer, accepts it, is refused a rejection without a reason and
marks it met with how."""
import datetime as dt
import os
import uuid

from playwright.sync_api import expect

REQUIREMENT = 'customer_care.requirement'
CUSTOMER = "Cerámicas San Lorenzo S.A.S."  # comercial1's customer
IMAGES = os.path.join(
    os.path.dirname(__file__), '..', 'doc', 'images')
FIELDS = ['state', 'customer.name', 'description', 'owner.login',
    'due_date', 'identified_date', 'accepted_date', 'met_date',
    'rejected_date', 'fulfilment']


def test_register_accept_meet(desktop, rpc):
    "Requisitos del cliente: New, Aceptar, Rechazar refused, Cumplido"
    manager = rpc('comercial1')
    before = set(manager.search(REQUIREMENT, []))
    description = f"Reporte semanal de presión {uuid.uuid4().hex[:6]}"
    fulfilment = "Se envía cada lunes desde la telemetría."
    today = manager.today()
    due = today + dt.timedelta(days=20)

    def stored():
        record, = manager.read(REQUIREMENT, [requirement], FIELDS)
        return record

    sao = desktop
    sao.login('comercial1')
    sao.open_menu('Servicio al cliente', 'Requisitos del cliente')
    sao.new_record()
    sao.many2one('customer', CUSTOMER)
    sao.type(sao.field('description'), description)
    sao.press('Tab')
    sao.type(sao.field('due_date'), due.strftime('%d/%m/%Y'), clear=True)
    sao.press('Tab')
    sao.save()
    requirement, = set(manager.search(REQUIREMENT, [])) - before
    record = stored()
    assert (record['state'], record['customer.']['name'],
        record['description'], record['owner.']['login'],
        record['due_date'], record['identified_date']) == (
        'identified', CUSTOMER, description, 'comercial1', due, today)

    sao.click_button("Aceptar")
    record = stored()
    assert (record['state'], record['accepted_date']) == ('accepted', today)
    # The customer is fixed once accepted
    expect(sao.field('customer')).not_to_be_editable()

    # Without a reason the rejection is refused, in Spanish, and nothing
    # changes
    sao.click(sao.button("Rechazar"))
    assert "Rechazar el requisito" in sao.accept_dialog()  # the confirmation
    expect(sao.dialog()).to_contain_text(
        "escriba el motivo en el campo Motivo del rechazo")
    sao.accept_dialog()
    record = stored()
    assert (record['state'], record['rejected_date']) == ('accepted', None)

    sao.type(sao.field('fulfilment'), fulfilment)
    sao.press('Tab')
    sao.click_button("Cumplido")
    record = stored()
    assert (record['state'], record['met_date'], record['fulfilment']) == (
        'met', today, fulfilment)
    expect(sao.button("Volver a abrir")).to_be_visible()
    if os.environ.get('CC_DOC_SCREENSHOTS'):
        sao.page.screenshot(path=os.path.join(IMAGES, 'requirement_form.png'))

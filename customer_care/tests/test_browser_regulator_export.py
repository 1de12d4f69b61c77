# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The regulator export in the web client: an agent selects cases in the
list and exports them with the demo's layout from the actions menu; the
wizard shows how many cases the file has."""
import os

from playwright.sync_api import expect

IMAGES = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    'doc', 'images')
LAYOUT = "Superintendencia Financiera: quejas"


def test_export_selected_cases(desktop, rpc):
    "agente exports two selected cases of the list with the saved layout"
    sao = desktop
    sao.login('agente')
    sao.open_menu('Servicio al cliente', 'Casos')
    sao.list_tab("Todo")
    rows = sao.rows()
    rows.nth(1).wait_for()
    for i in range(2):
        sao.click(rows.nth(i).locator('input[type=checkbox]').first)
    sao.idle()
    sao.click(sao.toolbar('action'))
    sao.click(sao.page.get_by_role(
            'menuitem', name="Exportar a la superintendencia"))
    dialog = sao.dialog()
    dialog.wait_for()
    sao.idle()
    sao.many2one('layout', LAYOUT, within=dialog)
    if os.environ.get('CC_DOC_SCREENSHOTS'):
        sao.page.screenshot(
            path=os.path.join(IMAGES, 'regulator_export_start.png'))
    sao.click(dialog.get_by_role('button', name="Exportar"))
    sao.idle()
    result = sao.dialog()
    count = result.locator('input[name="count"]').first
    expect(count).to_have_value('2')
    if os.environ.get('CC_DOC_SCREENSHOTS'):
        sao.page.screenshot(
            path=os.path.join(IMAGES, 'regulator_export_result.png'))

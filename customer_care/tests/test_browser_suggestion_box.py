# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The collection round of a suggestion box in the web client"
from playwright.sync_api import expect

from trytond.modules.customer_care.tests.browser import SCREENSHOTS

ROUND = 'customer_care.suggestion_box.round'


def test_round_refuses_to_close(desktop, rpc):
    """The agent in charge of the north site's box opens today's round of
    the demo (3 forms found, 2 registered): closing it is refused in
    Spanish and the round stays a draft"""
    sao = desktop
    sao.login('agente2')
    sao.open_menu(
        'Servicio al cliente', 'Casos', 'Rondas de recolección')
    sao.open_row("Buzón de la sede norte")
    expect(sao.field('forms_found')).to_have_value('3')
    expect(sao.field('forms_registered')).to_have_value('2')
    # For the documentation (doc/images/suggestion_box_round.png)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sao.page.screenshot(path=str(SCREENSHOTS / 'suggestion_box_round.png'))

    sao.click_button("Cerrar")
    dialog = sao.dialog()
    expect(dialog).to_contain_text(
        "se encontraron 3 formatos pero hay 2 registrados como casos")
    # The dialog fades in
    sao.page.wait_for_timeout(600)
    sao.page.screenshot(
        path=str(SCREENSHOTS / 'suggestion_box_round_close.png'))
    round_, = rpc('agente2').search_read(ROUND,
        [('box.name', '=', "Buzón de la sede norte")],
        ['state', 'forms_found', 'forms_registered'])
    assert (round_['state'], round_['forms_found'],
        round_['forms_registered']) == ('draft', 3, 2)

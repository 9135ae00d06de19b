"""A CJS's business in a browser: a visitor orders a service; the facilitator quotes it, marks the work
done with the members' hours, invoices it (the PDF shows the amount and number), records the payment;
the season summary and the national statistics show the new turnover."""

import datetime
import io
import re
from decimal import Decimal

from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from cjs import selectors
from cjs.models import Contract, ServiceRequest
from programmes.models import Cohort
from tests.e2e.helpers import login

CLIENT_NAME = "Boulangerie du Marché Bellevue"
PRICE = Decimal("1234.56")


def digits(text: str) -> str:
    """An amount as written in French or English, reduced to its digits and decimal separator."""
    return re.sub(r"[\s\u202f\u00a0,.]", "", text)


def submit(page: Page, button) -> None:
    with page.expect_navigation():
        button.click()


def stats_turnover(page: Page) -> Decimal:
    response = page.request.get("/api/v1/stats/?programme=cjs&edition=2026")
    assert response.ok, response.text()
    return Decimal(response.json()["turnover_eur"])


@pytest.mark.usefixtures("demo_data")
def test_a_visitor_orders_a_service_and_the_facilitator_delivers_and_invoices_it(page: Page, live_server):
    cohort = Cohort.objects.get(
        name="CJS Nantes Bellevue", edition__year=2026, edition__programme__slug="cjs"
    )
    login(page, live_server.url, "fabrique")
    turnover_before = stats_turnover(page)
    cohort_turnover_before = selectors.cohort_turnover(cohort)
    page.context.clear_cookies()

    # A visitor orders a service from the CJS's public form.
    page.goto(f"/cjs/{cohort.pk}/order/")
    form = page.locator("main form.cjs-public-form")
    expect(form.locator("[name=website]")).to_be_hidden()
    form.locator("[name=client_kind]").select_option("company")
    form.locator("[name=name]").fill(CLIENT_NAME)
    form.locator("[name=email]").fill("boulangerie@example.org")
    form.locator("[name=commune]").fill("Nantes")
    form.locator("[name=address]").fill("2 place du Marché")
    form.locator("[name=service]").select_option("cleaning")
    form.locator("[name=description]").fill("Nettoyage de la vitrine et de l'arrière-boutique")
    form.locator("[name=wished_start_date]").fill(
        (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    )
    submit(page, form.locator("button[type=submit]"))
    assert page.url.endswith(f"/cjs/{cohort.pk}/order/sent/")
    service_request = ServiceRequest.objects.get(name=CLIENT_NAME)

    # Its facilitator sees the request from the cohort's page and makes the quote.
    login(page, live_server.url, "animateur")
    page.goto(f"/facilitate/cohorts/{cohort.pk}/")
    submit(page, page.locator(f"a[href='/cjs/cohorts/{cohort.pk}/requests/']"))
    card = page.locator(f"#request-{service_request.pk}")
    expect(card).to_contain_text(CLIENT_NAME)
    submit(page, card.locator("a[href$='/quote/']"))
    form = page.locator("main form")
    form.locator("[name=price]").fill(str(PRICE))
    form.locator("[name=start_date]").fill((timezone.localdate() + datetime.timedelta(days=7)).isoformat())
    submit(page, form.locator("button[type=submit]"))
    contract = Contract.objects.get(client__name=CLIENT_NAME)
    card = page.locator(f"#contract-{contract.pk}")
    expect(card).to_contain_text(CLIENT_NAME)

    # The client accepted; the work is done, with the members' hours.
    submit(page, card.locator("form[action$='/accept/'] button"))
    submit(page, page.locator(f"#contract-{contract.pk} a[href$='/done/']"))
    hour_inputs = page.locator("input[name^='hours-']")
    assert hour_inputs.count() >= 2
    hour_inputs.nth(0).fill("4")
    hour_inputs.nth(1).fill("3.5")
    submit(page, page.locator("main form button[type=submit]"))

    # Invoice: the PDF opens and shows the amount and the number.
    submit(page, page.locator(f"#contract-{contract.pk} form[action$='/invoice/'] button"))
    contract.refresh_from_db()
    assert contract.invoice_number
    link = page.locator(f"#contract-{contract.pk} a[href$='/invoice.pdf']")
    expect(link).to_contain_text(contract.invoice_number)
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "".join(pdf_page.extract_text() for pdf_page in PdfReader(io.BytesIO(response.body())).pages)
    assert contract.invoice_number in text
    assert "123456" in digits(text)

    # The payment is recorded; the season summary shows the turnover.
    submit(page, page.locator(f"#contract-{contract.pk} form[action$='/pay/'] button"))
    contract.refresh_from_db()
    assert contract.status == "paid" and contract.work_logs.count() == 2
    page.goto(f"/cjs/cohorts/{cohort.pk}/summary/")
    expected = cohort_turnover_before + PRICE
    assert digits(page.locator("#turnover").inner_text()).startswith(digits(f"{expected:.2f}"))

    # The national statistics count it.
    page.context.clear_cookies()
    login(page, live_server.url, "fabrique")
    assert stats_turnover(page) == turnover_before + PRICE

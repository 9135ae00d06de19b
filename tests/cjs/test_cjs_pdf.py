import datetime
from decimal import Decimal
from io import BytesIO

from django.utils import translation

import pytest
from pypdf import PdfReader

from cjs import pdf, services
from cjs.choices import ContractStatus
from tests.cjs.factories import ContractFactory, ExpenseFactory, HostLegalDetailsFactory, WorkLogFactory
from tests.programmes.factories import CohortFactory, EnrolmentFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def text_of(content: bytes) -> str:
    """The text of every page, with line breaks and runs of spaces made single spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages).split())


def test_the_invoice_carries_the_number_the_amount_and_the_hosts_legal_details():
    host = OrganisationFactory(name="Coopérative Ouvrière 44", siret="12345678900012")
    HostLegalDetailsFactory(organisation=host, legal_form="SCOP SARL", address="3 place Royale")
    contract = ContractFactory(
        cohort=CohortFactory(host=host, name="CJS Bellevue"),
        done=True,
        price=Decimal("1480.00"),
        client__name="Mairie de Nantes",
    )
    services.invoice_contract(contract=contract, on=datetime.date(2018, 7, 20), by=None)

    text = text_of(pdf.invoice_pdf(contract))

    for expected in [
        "Invoice 2018-0001",
        "1,480.00 €",
        "Coopérative Ouvrière 44",
        "SCOP SARL",
        "3 place Royale",
        "12345678900012",
        "TVA non applicable, art. 293 B du CGI",
        "Mairie de Nantes",
        "CJS Bellevue",
        "20/07/2018",
    ]:
        assert expected in text


def test_the_quote_shows_the_price_without_legal_details_saved():
    contract = ContractFactory(price=Decimal("95.50"))

    text = text_of(pdf.quote_pdf(contract))

    assert pdf.quote_reference(contract) in text
    assert "95.50 €" in text
    assert "TVA non applicable" in text


def test_french_amounts_are_written_the_french_way():
    contract = ContractFactory(price=Decimal("1234.50"))
    with translation.override("fr"):
        text = text_of(pdf.quote_pdf(contract))

    assert "1 234,50 €" in text


def test_the_season_summary_shows_turnover_hours_expenses_and_the_distribution():
    cohort = CohortFactory(name="CJS Malakoff")
    member = EnrolmentFactory(cohort=cohort, person__first_name="Awa", person__last_name="Diallo")
    contract = ContractFactory(cohort=cohort, status=ContractStatus.PAID, price=Decimal("2500.00"))
    WorkLogFactory(contract=contract, enrolment=member, hours=Decimal("7.5"))
    ExpenseFactory(cohort=cohort, label="Rouleaux", amount=Decimal("120.00"))
    services.distribute_surplus(cohort=cohort, method="by_hours", reserve=Decimal("380.00"), by=None)

    text = text_of(pdf.season_summary_pdf(cohort))

    for expected in ["CJS Malakoff", "2,500.00 €", "7.5", "Rouleaux", "120.00 €", "2,000.00 €", "Awa Diallo"]:
        assert expected in text


@pytest.mark.parametrize(
    "uri",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/logo.png",
        "/etc/passwd",
        "file:///etc/passwd",
        "/static/../../etc/passwd",
    ],
)
def test_the_renderer_resolves_nothing_but_our_static_files(uri):
    assert pdf.link_callback(uri) == pdf.REFUSED


def test_our_static_files_are_resolved():
    assert pdf.link_callback("/static/img/favicon.svg").endswith("static/img/favicon.svg")


def test_a_remote_image_in_a_template_is_never_fetched(monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the PDF renderer tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(
        "cjs.pdf.render_to_string",
        lambda *args, **kwargs: (
            '<html><body><img src="http://example.org/x.png"><p>Hello 42</p></body></html>'
        ),
    )

    content = pdf.render_pdf("unused.html", {})

    assert "Hello 42" in text_of(content)

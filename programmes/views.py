"""Front-office spaces of the core roles. Each space shows only what the access policy allows."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from programmes.permissions import role_required
from programmes.roles import Role


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "programmes/account.html")


@role_required(Role.COORDINATOR, Role.FABRIQUE)
def coordinator_home(request: HttpRequest) -> HttpResponse:
    return render(request, "programmes/coordinator_home.html")


@role_required(Role.FACILITATOR, Role.COORDINATOR, Role.FABRIQUE)
def facilitator_home(request: HttpRequest) -> HttpResponse:
    return render(request, "programmes/facilitator_home.html")


@role_required(Role.PARTNER, Role.FABRIQUE)
def partner_home(request: HttpRequest) -> HttpResponse:
    return render(request, "programmes/partner_home.html")

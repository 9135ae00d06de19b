from django.urls import path

from cjs import public_views, views

app_name = "cjs"

urlpatterns = [
    # Public forms of each CJS (no login).
    path("<int:cohort_id>/order/", public_views.order, name="order"),
    path("<int:cohort_id>/order/sent/", public_views.order_sent, name="order_sent"),
    path("<int:cohort_id>/join/", public_views.join, name="join"),
    path("<int:cohort_id>/join/sent/", public_views.join_sent, name="join_sent"),
    # The facilitator's screens.
    path("cohorts/<int:pk>/requests/", views.requests_list, name="requests"),
    path("cohorts/<int:pk>/requests/<int:request_id>/quote/", views.request_quote, name="request_quote"),
    path(
        "cohorts/<int:pk>/requests/<int:request_id>/decline/", views.request_decline, name="request_decline"
    ),
    path("cohorts/<int:pk>/requests/<int:request_id>/reopen/", views.request_reopen, name="request_reopen"),
    path("cohorts/<int:pk>/contracts/", views.contracts_list, name="contracts"),
    path("cohorts/<int:pk>/contracts/<int:contract_id>/done/", views.contract_done, name="contract_done"),
    path(
        "cohorts/<int:pk>/contracts/<int:contract_id>/cancel/", views.contract_cancel, name="contract_cancel"
    ),
    path(
        "cohorts/<int:pk>/contracts/<int:contract_id>/quote.pdf", views.contract_quote_pdf, name="quote_pdf"
    ),
    path(
        "cohorts/<int:pk>/contracts/<int:contract_id>/invoice.pdf",
        views.contract_invoice_pdf,
        name="invoice_pdf",
    ),
    path(
        "cohorts/<int:pk>/contracts/<int:contract_id>/<slug:step>/", views.contract_step, name="contract_step"
    ),
    path("cohorts/<int:pk>/expenses/", views.expenses, name="expenses"),
    path("cohorts/<int:pk>/summary/", views.summary, name="summary"),
    path("cohorts/<int:pk>/summary/distribute/", views.distribute, name="distribute"),
    path("cohorts/<int:pk>/summary.pdf", views.summary_pdf, name="summary_pdf"),
    # Governance: assemblies and committee meetings, decisions and votes, committees.
    path("cohorts/<int:pk>/meetings/", views.meetings, name="meetings"),
    path("cohorts/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("cohorts/<int:pk>/meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("cohorts/<int:pk>/meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path(
        "cohorts/<int:pk>/meetings/<int:meeting_id>/decisions/new/", views.decision_new, name="decision_new"
    ),
    path("cohorts/<int:pk>/committees/", views.committees, name="committees"),
    path("cohorts/<int:pk>/committees/<int:committee_id>/", views.committee_detail, name="committee"),
    path(
        "cohorts/<int:pk>/committees/<int:committee_id>/members/",
        views.committee_add_members,
        name="committee_add_members",
    ),
    path(
        "cohorts/<int:pk>/committees/<int:committee_id>/members/<int:enrolment_id>/remove/",
        views.committee_remove_member,
        name="committee_remove_member",
    ),
]

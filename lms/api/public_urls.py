"""The public part of the training API (no login): certificate verification."""

from django.urls import path

from lms.api import viewsets

urlpatterns = [
    path("<str:code>/", viewsets.CertificateVerificationView.as_view(), name="certificate-verification"),
]

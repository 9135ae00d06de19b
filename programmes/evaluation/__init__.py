"""Evaluation (issue 8): questionnaires, campaigns, invitations and responses. See README.md here."""

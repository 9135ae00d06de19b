"""The shared core of Essaim: programmes, cohorts, people, roles and the access policy."""

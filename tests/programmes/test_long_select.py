"""LongSelect draws the same select as Django's, with its options joined in Python."""

from django import forms
from django.test import SimpleTestCase

from programmes.forms import LongSelect

CHOICES = [
    ("", "Choose a course"),
    (1, "Coopérer <en> équipe & réussir"),
    (2, 'Le "bon" devis'),
    ("Groupe", [(3, "Dans un groupe"), (4, "Autre")]),
]


class LongSelectTests(SimpleTestCase):
    def test_same_markup_as_django_select(self):
        for value in (None, "", 2, 4):
            with self.subTest(value=value):
                attrs = {"id": "id_course", "required": True, "aria-describedby": "help"}
                long_html = LongSelect(choices=CHOICES).render("course", value, attrs=attrs)
                django_html = forms.Select(choices=CHOICES).render("course", value, attrs=attrs)
                self.assertHTMLEqual(long_html, django_html)

    def test_labels_and_values_are_escaped(self):
        html = LongSelect(choices=[("<x>", "a <b> & c")]).render("course", None)
        self.assertIn('value="&lt;x&gt;"', html)
        self.assertIn(">a &lt;b&gt; &amp; c</option>", html)
        self.assertNotIn("<b>", html)

    def test_selected_option_is_marked(self):
        html = LongSelect(choices=CHOICES).render("course", 2)
        self.assertInHTML('<option value="2" selected>Le "bon" devis</option>', html)
        self.assertEqual(html.count(" selected"), 1)

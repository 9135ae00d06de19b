from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel


class PhotoSubject(models.Model):
    """Personne sur une photo: who appears in an image of the library. A photo showing someone without
    image rights (a minor's given by their guardian) cannot be put on the public site, and stops
    showing there as soon as the rights are withdrawn."""

    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="subjects", verbose_name=_("photo")
    )
    person = models.ForeignKey(
        "programmes.Person", on_delete=models.CASCADE, related_name="photos", verbose_name=_("person shown")
    )

    panels = [FieldPanel("image"), FieldPanel("person")]

    class Meta:
        verbose_name = _("person in a photo")
        verbose_name_plural = _("people in photos")
        ordering = ["image", "person"]
        constraints = [models.UniqueConstraint(fields=["image", "person"], name="photo_subject_unique")]

    def __str__(self) -> str:
        return f"{self.person} · {self.image}"

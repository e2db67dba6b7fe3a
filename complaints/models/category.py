from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common.history import ConfigHistory


class Category(models.Model):
    """A complaint category (data, admin-editable), seeded from the source document."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    description_zh = models.TextField(_("Chinese description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    default_team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("default team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Team that receives cases created by API clients without a team."),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = ConfigHistory()  # which team receives what, and what agents may choose

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh

    @property
    def description(self) -> str:
        lang_en = (get_language() or "").startswith("en")
        return self.description_en if lang_en else self.description_zh

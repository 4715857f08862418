from django.urls import include, path

from lib.registers import urls
from partners import views
from partners.registers import REGISTERS

urlpatterns = [
    # Before the registers' own pages, which they do not clash with: the pages the machinery does not make.
    path("partners/donor-support/iati.xml", views.donor_support_iati, name="donor-support-iati"),
    path("partners/follow-up/", views.follow_up_list, name="partners-follow-up"),
    *[path(f"partners/{register.name}/", include(urls(register))) for register in REGISTERS],
]

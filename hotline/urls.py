from django.urls import include, path

from hotline import views
from hotline.registers import REGISTERS
from lib.registers import urls

urlpatterns = [
    path("hotline/statistics/", views.statistics, name="hotline-statistics"),
    *[path(f"hotline/{register.name}/", include(urls(register))) for register in REGISTERS],
]

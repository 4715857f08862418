from django.urls import include, path

from lib.registers import urls
from prevention.registers import REGISTERS

urlpatterns = [path(f"prevention/{register.name}/", include(urls(register))) for register in REGISTERS]

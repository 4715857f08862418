from django.urls import include, path

from lib.registers import urls
from prosecution.registers import REGISTERS

urlpatterns = [path(f"prosecution/{register.name}/", include(urls(register))) for register in REGISTERS]

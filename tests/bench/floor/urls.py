from django.urls import path

from .views import FloorView

urlpatterns = [path("bench/floor/", FloorView.as_view(), name="bench-floor")]

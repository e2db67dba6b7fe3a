from django.urls import path

from notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications-page"),
    path("notifications/read-all/", views.notification_read_all, name="notifications-page-read-all"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="notifications-page-read"),
]

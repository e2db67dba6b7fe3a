"""/api/v1/ routes of the contingency app."""

from django.urls import path

from contingency.api import views

urlpatterns = [
    path("emergency-group/members/", views.GroupMemberListView.as_view(), name="emergency-group-members"),
    path("emergency-group/rota/", views.RotaView.as_view(), name="emergency-group-rota"),
    path("playbooks/", views.PlaybookListView.as_view(), name="playbook-list"),
    path("playbooks/<str:pk>/", views.PlaybookDetailView.as_view(), name="playbook-detail"),
    path("playbooks/<str:pk>/versions/", views.PlaybookVersionListView.as_view(), name="playbook-versions"),
    path("playbooks/<str:pk>/versions/<str:number>/", views.PlaybookVersionDetailView.as_view(),
         name="playbook-version"),
    path("playbooks/<str:pk>/versions/<str:number>/activate/", views.PlaybookVersionActivateView.as_view(),
         name="playbook-version-activate"),
    path("activations/", views.ActivationListView.as_view(), name="activation-list"),
    path("activations/<str:pk>/", views.ActivationDetailView.as_view(), name="activation-detail"),
    path("activations/<str:pk>/transitions/<str:name>/", views.ActivationTransitionView.as_view(),
         name="activation-transition"),
    path("activations/<str:pk>/tasks/<str:task_id>/complete/", views.TaskCompleteView.as_view(),
         name="activation-task-complete"),
    path("activations/<str:pk>/timeline/", views.TimelineView.as_view(), name="activation-timeline"),
    path("activations/<str:pk>/comments/", views.CommentView.as_view(), name="activation-comments"),
    path("drills/", views.DrillListView.as_view(), name="drill-list"),
    path("drills/<str:pk>/start/", views.DrillStartView.as_view(), name="drill-start"),
    path("training-records/", views.TrainingRecordListView.as_view(), name="training-record-list"),
    path("training-records/gaps/", views.TrainingGapsView.as_view(), name="training-record-gaps"),
]
